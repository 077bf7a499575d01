"""File or account -> rows -> drafts -> matched -> written, in batches, resumable.

readers/ know formats only; builders/ turn a row into an unsaved contact graph
(shared by the samples and the job); matching.py finds the contact a draft is;
writer.py merges and writes a batch, the only bulk writer (through
bulk_insert.py); job.py runs an import's batches under a lease. book/ holds
the steps after the contacts of a TntConnect or TntDataSync import (tasks,
appeals, gifts ...), check/ the check that runs a file through all of this
and writes no contact.
"""
