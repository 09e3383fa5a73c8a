import { defineProject } from "vitest/config";

export default defineProject({ resolve: { conditions: ["@parley/source"] }, test: { name: "connector-voicegain" } });
