// Child process: the consecutive pages Parley requests, fetched with undici (keep-alive, one in flight) and thrown
// away unparsed: the HTTP-only limit of a paged export. Prints `RESULT <bytes>`.
//   node http-pages.ts <api url> <token> <json|csv> <per page> <json list of page-ending callIds>
import { Agent, request } from "undici";
import { voicegainRange } from "./voicegain-range.ts";

const [apiUrl, token, format, perPage, pageEnds] = process.argv.slice(2) as [string, string, string, string, string];
const agent = new Agent({ keepAliveTimeout: 30_000 });
let bytes = 0;
for (const afterCallId of ["0", ...(JSON.parse(pageEnds) as string[])]) {
  const url = new URL(`${apiUrl}/sa/call`);
  url.search = new URLSearchParams({
    format,
    consecutive: "true",
    afterCallId,
    page: "1",
    per_page: perPage,
    ...voicegainRange,
  }).toString();
  const response = await request(url, { headers: { authorization: `Bearer ${token}` }, dispatcher: agent });
  for await (const chunk of response.body) bytes += (chunk as Buffer).length;
}
await agent.close();
process.stdout.write(`RESULT ${bytes}\n`);
