"""A plain dlt pipeline paging through the Voicegain call export (`GET /sa/call`, consecutive) into DuckDB.

Run by `pnpm bench` (bench/voicegain.bench.ts) as its own process:
    python voicegain_pipeline.py <api url> <token> <json|csv> <per page> <database file>
Prints `RESULT <rows in the calls table>`.
"""

import csv
import io
import sys

import dlt
import orjson
import requests


def main() -> None:
    api_url, token, page_format, per_page, database = sys.argv[1:6]

    @dlt.resource(name="calls", write_disposition="merge", primary_key="callId")
    def calls():
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        after = 0
        while True:
            response = session.get(
                f"{api_url}/sa/call",
                params={
                    "format": page_format,
                    "consecutive": "true",
                    "afterCallId": after,
                    "page": 1,
                    "per_page": per_page,
                    # The range Parley and the HTTP-only limit are given too (without one the API assumes a short window).
                    "fromTime": "2024-05-01T00:00:00Z",
                    "toTime": "2525-01-01T00:00:00Z",
                },
                timeout=60,
            )
            response.raise_for_status()
            if page_format == "json":
                page = orjson.loads(response.content)
            else:
                page = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
            if not page:
                return
            yield page
            after = int(page[-1]["callId"])
            if len(page) < int(per_page):
                return

    pipeline = dlt.pipeline(
        pipeline_name="voicegain_bench",
        destination=dlt.destinations.duckdb(database),
        dataset_name="voicegain",
    )
    pipeline.run(calls())
    with pipeline.sql_client() as client:
        rows = client.execute_sql("SELECT COUNT(*) FROM calls")[0][0]
    print(f"RESULT {rows}")


if __name__ == "__main__":
    main()
