import { describe, expect, it } from "vitest";
import {
  answersSchema,
  checkAnswers,
  decodeAnswers,
  decodeQuestions,
  type Question,
  QuestionList,
} from "./questions.ts";

const en = (text: string) => ({ en: text });

/** Every issue of a definition as "path: message". */
function problems(definition: unknown): string[] {
  const parsed = QuestionList.safeParse(definition);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const OPTIONS = [
  { value: "short", label: { en: "Short", de: "Kurz" } },
  { value: "long", label: en("Long") },
  { value: "curly", label: en("Curly") },
];

describe("question definitions", () => {
  it("accepts every kind with the fields that mean something for it", () => {
    const definition = [
      { id: "name-on-cake", kind: "text", label: en("Name"), required: true, maxLength: 40 },
      { id: "notes", kind: "textarea", label: { en: "Notes", "de-CH": "Notizen" } },
      { id: "length", kind: "choice", label: en("Length"), options: OPTIONS },
      { id: "extras", kind: "multichoice", label: en("Extras"), options: OPTIONS, min: 1, max: 2 },
      { id: "consent", kind: "boolean", label: en("I agree"), required: true },
      { id: "mobile", kind: "phone", label: en("Mobile") },
      { id: "age", kind: "number", label: en("Age"), min: 0, max: 120 },
    ];
    expect(problems(definition)).toEqual([]);
    // `required` defaults to false.
    expect(QuestionList.parse(definition)[1]?.required).toBe(false);
  });

  it.each([
    ["options on a text question", { kind: "text", options: OPTIONS }, "0.options"],
    ["a choice without options", { kind: "choice" }, "0.options: required for the kind choice"],
    ["empty options", { kind: "choice", options: [] }, "0.options: Too small"],
    [
      "a duplicate option value",
      { kind: "choice", options: [OPTIONS[0], OPTIONS[0]] },
      '0.options.1.value: duplicate option value "short"',
    ],
    ["maxLength on a number", { kind: "number", maxLength: 10 }, "0.maxLength: only for the kinds"],
    ["maxLength past the text cap", { kind: "text", maxLength: 501 }, "0.maxLength: at most 500"],
    ["min on a text question", { kind: "text", min: 1 }, "0.min: only for the kinds"],
    ["max below min", { kind: "number", min: 5, max: 1 }, "0.max: must not be less than min"],
    [
      "a multichoice max past its options",
      { kind: "multichoice", options: OPTIONS, max: 4 },
      "0.max: at most the number of options (3)",
    ],
    [
      "a fractional multichoice min",
      { kind: "multichoice", options: OPTIONS, min: 1.5 },
      "0.min: must be a whole number",
    ],
    [
      "a label without en",
      { kind: "text", label: { de: "Name" } },
      '0.label: must have the default language "en"',
    ],
    ["a bad language tag", { kind: "text", label: { en: "A", EN_us: "A" } }, "0.label.EN_us"],
    ["an empty label", { kind: "text", label: en("  ") }, "0.label.en"],
    ["a control character", { kind: "text", label: en("a\u0007") }, "0.label.en"],
    ["an upper-case id", { kind: "text", id: "Name" }, "0.id: must be a slug"],
    ["an unknown kind", { kind: "date" }, "0.kind"],
    ["an unknown field", { kind: "text", colour: "red" }, "0: Unrecognized key"],
    ["an infinite-ish min", { kind: "number", min: -1e10 }, "0.min"],
  ])("refuses %s, naming the field", (_label, change, expected) => {
    const found = problems([{ id: "q", label: en("Q"), ...change }]);
    expect(
      found.some((p) => p.startsWith(expected)),
      found.join("\n"),
    ).toBe(true);
  });

  it("refuses a duplicate id and more than 20 questions", () => {
    const q = { id: "q", kind: "text", label: en("Q") };
    expect(problems([q, { ...q, kind: "number" }])).toEqual(['1.id: duplicate question id "q"']);
    const many = Array.from({ length: 21 }, (_, i) => ({ ...q, id: `q${i}` }));
    expect(problems(many)).toEqual([": Too big: expected array to have <=20 items"]);
  });

  it("reads a stored column back, and none as no questions", () => {
    const questions = [{ id: "q", kind: "text", label: en("Q"), required: true }];
    expect(decodeQuestions(JSON.stringify(questions))).toEqual(questions);
    expect(decodeQuestions(null)).toEqual([]);
    expect(decodeAnswers(null)).toEqual([]);
  });
});

const Q = (over: Partial<Question> & Pick<Question, "id" | "kind">): Question => ({
  label: en(over.id),
  required: false,
  ...over,
});

function check(questions: Question[], given: Record<string, unknown>) {
  const outcome = checkAnswers(questions, given);
  return outcome.ok ? outcome.answers : `${outcome.field}: ${outcome.message}`;
}

describe("answers against a schema built from the questions", () => {
  it("builds one field per question and no other", () => {
    const schema = answersSchema([Q({ id: "a", kind: "text" }), Q({ id: "b", kind: "number" })]);
    expect(Object.keys(schema.shape)).toEqual(["a", "b"]);
    expect(schema.safeParse({ c: "x" }).success).toBe(false);
  });

  it("stores each answer with its question as asked, in question order, skipping empty ones", () => {
    const questions = [
      Q({ id: "length", kind: "choice", options: OPTIONS, label: { en: "Length", de: "Länge" } }),
      Q({ id: "notes", kind: "textarea" }),
      Q({ id: "extras", kind: "multichoice", options: OPTIONS }),
      Q({ id: "age", kind: "number" }),
    ];
    expect(
      check(questions, { age: 30, extras: ["curly", "short"], notes: " ", length: "long" }),
    ).toEqual([
      {
        id: "length",
        kind: "choice",
        label: { en: "Length", de: "Länge" },
        value: "long",
        options: [OPTIONS[1]],
      },
      {
        id: "extras",
        kind: "multichoice",
        label: en("extras"),
        value: ["curly", "short"],
        options: [OPTIONS[2], OPTIONS[0]],
      },
      { id: "age", kind: "number", label: en("age"), value: 30 },
    ]);
  });

  it("refuses an unknown id, naming it", () => {
    expect(check([Q({ id: "a", kind: "text" })], { a: "x", nope: "y" })).toBe(
      "answers.nope: not a question of this service",
    );
    expect(check([], { a: "x" })).toBe("answers.a: not a question of this service");
  });

  it("requires a required answer of every kind", () => {
    const kinds = [
      "text",
      "textarea",
      "choice",
      "multichoice",
      "boolean",
      "phone",
      "number",
    ] as const;
    for (const kind of kinds) {
      const question = Q({
        id: "q",
        kind,
        required: true,
        options: kind.includes("choice") ? OPTIONS : undefined,
      });
      expect(check([question], {}), kind).toBe("answers.q: required");
    }
  });

  it.each<[string, Question, unknown, string | null]>([
    ["text", Q({ id: "q", kind: "text" }), "Mia", null],
    [
      "text: a number",
      Q({ id: "q", kind: "text" }),
      5,
      "answers.q: Invalid input: expected string, received number",
    ],
    ["text: two lines", Q({ id: "q", kind: "text" }), "a\nb", "answers.q: must be one line"],
    [
      "text: past maxLength",
      Q({ id: "q", kind: "text", maxLength: 3 }),
      "abcd",
      "answers.q: at most 3 characters",
    ],
    [
      "text: past the default 200",
      Q({ id: "q", kind: "text" }),
      "x".repeat(201),
      "answers.q: at most 200 characters",
    ],
    [
      "text: required and blank",
      Q({ id: "q", kind: "text", required: true }),
      "  ",
      "answers.q: required: must not be empty",
    ],
    [
      "text: a lone surrogate",
      Q({ id: "q", kind: "text" }),
      "\ud800",
      "answers.q: must be well-formed text without control characters",
    ],
    ["textarea: two lines", Q({ id: "q", kind: "textarea" }), "a\nb", null],
    [
      "textarea: past 2000",
      Q({ id: "q", kind: "textarea" }),
      "x".repeat(2001),
      "answers.q: at most 2000 characters",
    ],
    ["choice", Q({ id: "q", kind: "choice", options: OPTIONS }), "long", null],
    [
      "choice: not an option",
      Q({ id: "q", kind: "choice", options: OPTIONS }),
      "bald",
      "answers.q: must be one of: short, long, curly",
    ],
    [
      "choice: a list",
      Q({ id: "q", kind: "choice", options: OPTIONS }),
      ["long"],
      "answers.q: Invalid input: expected string, received array",
    ],
    ["multichoice", Q({ id: "q", kind: "multichoice", options: OPTIONS }), ["long", "short"], null],
    [
      "multichoice: twice",
      Q({ id: "q", kind: "multichoice", options: OPTIONS }),
      ["long", "long"],
      "answers.q: must not pick an option twice",
    ],
    [
      "multichoice: not an option",
      Q({ id: "q", kind: "multichoice", options: OPTIONS }),
      ["bald"],
      "answers.q: must be one of: short, long, curly",
    ],
    [
      "multichoice: too few",
      Q({ id: "q", kind: "multichoice", options: OPTIONS, min: 2 }),
      ["long"],
      "answers.q: pick at least 2",
    ],
    [
      "multichoice: too many",
      Q({ id: "q", kind: "multichoice", options: OPTIONS, max: 1 }),
      ["long", "short"],
      "answers.q: pick at most 1",
    ],
    [
      "multichoice: required and empty",
      Q({ id: "q", kind: "multichoice", options: OPTIONS, required: true }),
      [],
      "answers.q: pick at least 1",
    ],
    ["boolean: false", Q({ id: "q", kind: "boolean" }), false, null],
    [
      "boolean: a string",
      Q({ id: "q", kind: "boolean" }),
      "yes",
      "answers.q: must be true or false",
    ],
    [
      "boolean: required false",
      Q({ id: "q", kind: "boolean", required: true }),
      false,
      "answers.q: required: must be true",
    ],
    ["phone", Q({ id: "q", kind: "phone" }), "+49 30 1234567", null],
    [
      "phone: letters",
      Q({ id: "q", kind: "phone" }),
      "call me",
      "answers.q: must be a phone number such as +49 30 1234567",
    ],
    ["number", Q({ id: "q", kind: "number", min: 0, max: 10 }), 7.5, null],
    [
      "number: below min",
      Q({ id: "q", kind: "number", min: 0 }),
      -1,
      "answers.q: must be at least 0",
    ],
    [
      "number: above max",
      Q({ id: "q", kind: "number", max: 10 }),
      11,
      "answers.q: must be at most 10",
    ],
    ["number: a string", Q({ id: "q", kind: "number" }), "7", "answers.q: must be a number"],
  ])("%s", (_label, question, value, expected) => {
    const outcome = check([question], { q: value });
    if (expected === null) expect(outcome).toEqual([expect.objectContaining({ id: "q", value })]);
    else expect(outcome).toBe(expected);
  });
});
