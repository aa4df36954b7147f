import { describe, expect, it } from "vitest";
import { redact } from "./admin-audit.ts";

describe("redact", () => {
  it("replaces every secret-named field, at any depth, and keeps the rest", () => {
    expect(
      redact({
        name: "Front desk",
        secret: "whsec_x",
        nested: [{ apiKey: "k", token: "t", password: "p", key: "x", keep: 1 }],
        Authorization: "Bearer y",
      }),
    ).toEqual({
      name: "Front desk",
      secret: "[redacted]",
      nested: [
        {
          apiKey: "[redacted]",
          token: "[redacted]",
          password: "[redacted]",
          key: "[redacted]",
          keep: 1,
        },
      ],
      Authorization: "[redacted]",
    });
  });

  it("drops a URL's credentials and query, and leaves a plain URL as it is", () => {
    expect(redact("https://u:p@hooks.example.com/in?token=s")).toBe(
      "https://hooks.example.com/in?[redacted]",
    );
    expect(redact("https://u:p@hooks.example.com/in")).toBe("https://hooks.example.com/in");
    expect(redact("https://hooks.example.com/in")).toBe("https://hooks.example.com/in");
    expect(redact(null)).toBe(null);
  });
});
