"""The issue document: what an issue source holds, reading and writing the file, checking it, a
month's copies of its weeks, the markup-safety rules, and the edits the app makes.

Everything that reads or changes an issue file stands on this floor; it imports only the base
modules, never a stage. `compose` writes the file, `render` and `publish` read it.
"""
