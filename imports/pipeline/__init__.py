"""File or account -> rows -> drafts -> matched -> written, in batches, resumable.

readers/ know formats only; builders/ turn a row into an unsaved contact graph
(shared by the samples and the job); writer.py is the only bulk writer; job.py
runs an import's batches under a lease.
"""
