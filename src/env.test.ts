import { describe, expect, it } from "vitest";
import { testBindings } from "../test/stack/stack-env.ts";
import { EnvironmentError, parseConfig } from "./env.ts";

describe("parseConfig", () => {
  it("parses the bindings and applies defaults to optional vars", () => {
    const { REDIS_TIMEOUT_MS: _omit, ...bindings } = testBindings("p:");
    const config = parseConfig(bindings);
    expect(config.REDIS_TIMEOUT_MS).toBe(300);
    expect(config.REDIS_KEY_PREFIX).toBe("p:");
    expect(config.CORS_ORIGINS).toEqual(["https://app.example"]);
  });

  it("coerces numeric vars, which wrangler passes as strings", () => {
    expect(parseConfig(testBindings("p:", { MYSQL_TIMEOUT_MS: "2500" })).MYSQL_TIMEOUT_MS).toBe(
      2500,
    );
  });

  it("names every missing or invalid variable, never its value", () => {
    const bindings = testBindings("p:", {
      ADMIN_TOKEN: "short-secret-value",
      DATABASE_URL: "not a url",
    });
    delete (bindings as Record<string, string | undefined>).UPSTASH_REDIS_REST_TOKEN;
    let error: unknown;
    try {
      parseConfig(bindings);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    const fields = (error as EnvironmentError).fields.map((field) => field.split(":")[0]);
    expect(fields.sort()).toEqual(["ADMIN_TOKEN", "DATABASE_URL", "UPSTASH_REDIS_REST_TOKEN"]);
    expect((error as Error).message).not.toContain("short-secret-value");
  });
});

describe("mailer configuration", () => {
  it("requires an https endpoint and a key for HTTP email delivery", () => {
    expect(() => parseConfig(testBindings("p:", { MAILER_KIND: "http" }))).toThrow(
      /MAILER_API_URL.*MAILER_API_KEY/,
    );
    const ok = parseConfig(
      testBindings("p:", {
        MAILER_KIND: "http",
        MAILER_API_URL: "https://api.mail.example/send",
        MAILER_API_KEY: "k",
      }),
    );
    expect(ok.MAILER_KIND).toBe("http");
  });
});

describe("token secrets", () => {
  const SECRET = "token-secret-0123456789abcdef0123456789";

  it("requires TOKEN_SECRET in production, naming it (BAD_ENVIRONMENT), never its value", () => {
    const bindings = testBindings("p:", {
      ENVIRONMENT: "production",
      PUBLIC_BASE_URL: "https://book.example",
    });
    expect(() => parseConfig(bindings)).toThrow(
      /TOKEN_SECRET: is required when ENVIRONMENT is production/,
    );
    expect(parseConfig({ ...bindings, TOKEN_SECRET: SECRET }).TOKEN_SECRET).toBe(SECRET);
  });

  it("refuses a TOKEN_SECRET equal to ADMIN_TOKEN: rotating the admin token must invalidate nothing else", () => {
    const bindings = testBindings("p:", {
      ENVIRONMENT: "production",
      PUBLIC_BASE_URL: "https://book.example",
    });
    let error: unknown;
    try {
      parseConfig({ ...bindings, TOKEN_SECRET: bindings.ADMIN_TOKEN });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).fields).toEqual([
      "TOKEN_SECRET: must differ from ADMIN_TOKEN",
    ]);
    expect((error as Error).message).not.toContain(bindings.ADMIN_TOKEN);
  });

  it("accepts an optional TOKEN_SECRET_PREVIOUS of at least 32 characters", () => {
    const bindings = testBindings("p:", { TOKEN_SECRET: SECRET });
    expect(
      parseConfig({ ...bindings, TOKEN_SECRET_PREVIOUS: `old-${SECRET}` }).TOKEN_SECRET_PREVIOUS,
    ).toBe(`old-${SECRET}`);
    expect(() => parseConfig({ ...bindings, TOKEN_SECRET_PREVIOUS: "short" })).toThrow(
      /TOKEN_SECRET_PREVIOUS/,
    );
  });
});
