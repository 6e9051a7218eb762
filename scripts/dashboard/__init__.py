"""The interactive dashboard of the serving copy (docs/dashboard.md): queries.py reads the
marts' aggregates, charts.py (filters, shared expressions, KPI strip) and charts_email.py,
charts_money.py and charts_confidence.py declare the Vega-Lite charts, page.py writes the
self-contained HTML page, render.py ties them to the serving copy."""
