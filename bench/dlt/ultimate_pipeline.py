"""A plain dlt pipeline loading one Ultimate day file into DuckDB, as a dlt user would write it.

Run by `pnpm bench` (bench/ultimate.bench.ts) as its own process:
    python ultimate_pipeline.py <day file> <array|ndjson> <database file>
Prints `RESULT <rows in the conversations table>`.
"""

import sys

import dlt
import ijson
import orjson

BATCH = 1000  # dlt's docs recommend yielding pages (lists), not single items


def main() -> None:
    path, file_format, database = sys.argv[1:4]

    @dlt.resource(name="conversations", write_disposition="merge", primary_key=["bot_id", "conversation_id"])
    def conversations():
        with open(path, "rb") as file:
            items = (
                (orjson.loads(line) for line in file if line.strip())
                if file_format == "ndjson"
                else ijson.items(file, "item", use_float=True)
            )
            batch = []
            for item in items:
                batch.append(item)
                if len(batch) == BATCH:
                    yield batch
                    batch = []
            if batch:
                yield batch

    pipeline = dlt.pipeline(
        pipeline_name="ultimate_bench",
        destination=dlt.destinations.duckdb(database),
        dataset_name="ultimate",
    )
    pipeline.run(conversations())
    with pipeline.sql_client() as client:
        rows = client.execute_sql("SELECT COUNT(*) FROM conversations")[0][0]
    print(f"RESULT {rows}")


if __name__ == "__main__":
    main()
