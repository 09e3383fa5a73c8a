import type { VoicegainCall } from "./voicegain-records.ts";

export interface PageSlice {
  items: readonly VoicegainCall[];
  total: number;
  lastPage: number;
}

/** Page numbers, not offsets: every page is assumed to have the current page's size (seed 002). */
export function slicePage(selected: readonly VoicegainCall[], page: number, perPage: number): PageSlice {
  const start = (page - 1) * perPage;
  return {
    items: start >= selected.length ? [] : selected.slice(start, start + perPage),
    total: selected.length,
    lastPage: Math.max(1, Math.ceil(selected.length / perPage)),
  };
}

/**
 * RFC 5988 `Link` with rel first, prev, self, next, last; each URL repeats the request's other parameters.
 * The vendor's own example writes `pager=1` for `first`, a typo we do not copy (vendor-apis §2.4).
 */
export function linkHeader(
  resourceUrl: string,
  parameters: URLSearchParams,
  page: number,
  perPage: number,
  lastPage: number,
): string {
  const link = (target: number, rel: string): string => {
    const copy = new URLSearchParams(parameters);
    copy.set("page", String(target));
    copy.set("per_page", String(perPage));
    return `<${resourceUrl}?${copy.toString()}>; rel="${rel}"`;
  };
  const links = [link(1, "first")];
  if (page > 1) links.push(link(page - 1, "prev"));
  links.push(link(page, "self"));
  if (page < lastPage) links.push(link(page + 1, "next"));
  links.push(link(lastPage, "last"));
  return links.join(", ");
}
