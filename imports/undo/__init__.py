"""Taking a finished import back, from its change log (imports/pipeline/change_log.py).

- `records`: the tables an undo knows, in the order it takes them back, and
  the rules that keep a record someone else changed since.
- `steps`: one batch of the log: values restored, records removed.
- `progress`: the `undo` state on the import (counters, kept records, where
  it got to), committed with each batch, and what the API shows of it.
- `services`: asking for an undo (its rules; the job queued once).
- `job`: the background job, under the import's lease, resumable.
"""
