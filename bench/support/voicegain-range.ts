/**
 * The export range every Voicegain client of the bench asks for (without one the API assumes a short window): Parley,
 * the HTTP-only limit, the stored pages and the dlt pipeline (bench/dlt/voicegain_pipeline.py spells it again).
 */
export const voicegainRange = { fromTime: "2024-05-01T00:00:00Z", toTime: "2525-01-01T00:00:00Z" } as const;
