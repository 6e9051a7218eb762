"""The parts of the serving copy that scripts/publish_serving.py writes and swaps in:

layout.py        the names in the serving directory, and what a publication returns
marts.py         which relations are marts, and the SQL that copies and checksums them
descriptions.py  the dbt descriptions carried to the copy as comments
versions.py      one publication at a time, version names, fsync, removing leftovers
"""
