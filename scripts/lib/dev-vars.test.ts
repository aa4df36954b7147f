import { describe, expect, it } from "vitest";
import { devPublicBaseUrl, parseDotenv } from "./dev-vars.ts";

describe("npm run dev's PUBLIC_BASE_URL", () => {
  it("follows PORT, so email links point at the running copy", () => {
    const vars = parseDotenv("ADMIN_TOKEN=x\n# PUBLIC_BASE_URL=http://127.0.0.1:8787\n");
    expect(devPublicBaseUrl(vars, 8792)).toBe("http://127.0.0.1:8792");
    expect(devPublicBaseUrl(parseDotenv("PUBLIC_BASE_URL=\n"), 8800)).toBe("http://127.0.0.1:8800");
  });

  it("is .dev.vars's own when it sets one", () => {
    const vars = parseDotenv("PUBLIC_BASE_URL=https://book.example\n");
    expect(devPublicBaseUrl(vars, 8792)).toBe("https://book.example");
  });
});
