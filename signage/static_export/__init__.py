"""A static copy of every public page, served by any static host or CDN under the same URLs as the app.

plan.py names what the copy holds (the addresses to ask for and the files they become), tree.py keeps the
directory (files written aside and renamed, a manifest of what the copy owns, stale files removed) and
export.py asks the app itself for each address, in process, so a page in the copy is the page the app
serves. A second run asks with the ETags the first one got, so only what changed is rendered and written.
"""
