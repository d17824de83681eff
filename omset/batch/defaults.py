"""Default sizes of a batch run (no imports: the command line reads them at start-up).

A partition of about 10,000 words keeps a worker busy for a few seconds: small enough
that every worker of a small run gets some and a resumed run loses little, large enough
that the pipeline's drain between two partitions costs next to nothing.
"""

PARTITION_RECORDS = 250
PARTITION_BYTES = 64 * 1024
#: a larger record (line, paragraph, field or cell) goes to errors.jsonl
MAX_RECORD_BYTES = 1_000_000
