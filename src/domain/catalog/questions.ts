/**
 * Intake questions: what an admin asks on a service, and the customer's answers at booking.
 *
 * The definition is validated strictly (kind-specific fields, unique ids, caps) so that a stored
 * service always yields a well-defined answer schema (docs/adr/0109-intake-questions-on-the-service.md).
 * The answer schema is built from the questions as the booking transaction reads them, and each
 * answer is stored with the question as it was asked, so that editing or deleting a question
 * later never changes an existing appointment's answers
 * (docs/adr/0310-intake-answers-in-the-transaction.md).
 */
import { z } from "zod";

export const QUESTION_KINDS = [
  "text",
  "textarea",
  "choice",
  "multichoice",
  "boolean",
  "phone",
  "number",
] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** Text per BCP 47 language tag, e.g. `{ "en": "Allergies?", "de": "Allergien?" }`. */
export type LocalizedText = Record<string, string>;

export interface QuestionOption {
  value: string;
  label: LocalizedText;
}

export interface Question {
  id: string;
  kind: QuestionKind;
  label: LocalizedText;
  required: boolean;
  /** choice and multichoice only. */
  options?: QuestionOption[];
  /** text and textarea only: the longest answer, in characters. */
  maxLength?: number;
  /** number: the smallest and largest value; multichoice: the fewest and most options picked. */
  min?: number;
  max?: number;
}

export type AnswerValue = string | string[] | boolean | number;

/** One answer as stored on the appointment: the question as it was asked, and the value. */
export interface StoredAnswer {
  id: string;
  kind: QuestionKind;
  label: LocalizedText;
  value: AnswerValue;
  /** choice and multichoice: the picked options as they were offered, in the order picked. */
  options?: QuestionOption[];
}

/** The business's default language: every label has it (the page falls back to it). */
export const DEFAULT_LANGUAGE = "en";

export const QUESTION_LIMITS = {
  questions: 20,
  options: 30,
  languages: 10,
  labelLength: 500,
  optionLabelLength: 200,
  /** The default and the cap of `maxLength`, per text kind. */
  text: { default: 200, cap: 500 },
  textarea: { default: 2000, cap: 2000 },
  number: 1e9,
} as const;

/** A short slug: question ids and option values. */
export const SLUG_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
const LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;
export const PHONE_PATTERN = /^\+?[0-9 ()-]{5,40}$/;
/** A lone UTF-16 surrogate cannot be stored as UTF-8 (see routes/shared/schemas.ts WellFormed). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Control characters other than tab, newline and carriage return: no place in an answer. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return true;
  }
  return false;
}

const wellFormed = (value: string) => !LONE_SURROGATE.test(value) && !hasControl(value);

const slug = () =>
  z.string().regex(SLUG_PATTERN, "must be a slug: a-z first, then a-z, 0-9, _ or -");

function localizedText(maxLength: number) {
  return z
    .record(
      z.string().regex(LANGUAGE_PATTERN, "must be a BCP 47 language tag such as en or de-CH"),
      z
        .string()
        .trim()
        .min(1)
        .max(maxLength)
        .refine(wellFormed, "must be well-formed text without control characters"),
    )
    .refine((text) => Object.keys(text).length <= QUESTION_LIMITS.languages, {
      message: `at most ${QUESTION_LIMITS.languages} languages`,
    })
    .refine((text) => typeof text[DEFAULT_LANGUAGE] === "string", {
      message: `must have the default language "${DEFAULT_LANGUAGE}"`,
    });
}

const limit = () => z.number().finite().min(-QUESTION_LIMITS.number).max(QUESTION_LIMITS.number);

/**
 * One question as an admin defines it. Fields that mean nothing for the kind are refused.
 * A factory: zod 4 gives a schema `.openapi()` only when it is made after @hono/zod-openapi has
 * loaded, and this module may load first (the demo seed, tests), so the route makes its own copy.
 */
export const questionDefinition = () =>
  z
    .strictObject({
      id: slug(),
      kind: z.enum(QUESTION_KINDS),
      label: localizedText(QUESTION_LIMITS.labelLength),
      required: z.boolean().default(false),
      options: z
        .array(
          z.strictObject({
            value: slug(),
            label: localizedText(QUESTION_LIMITS.optionLabelLength),
          }),
        )
        .min(1)
        .max(QUESTION_LIMITS.options)
        .optional(),
      maxLength: z.number().int().min(1).max(QUESTION_LIMITS.textarea.cap).optional(),
      min: limit().optional(),
      max: limit().optional(),
    })
    .superRefine((q, ctx) => {
      const refuse = (field: keyof Question, message: string) =>
        ctx.addIssue({ code: "custom", path: [field], message });
      const choices = q.kind === "choice" || q.kind === "multichoice";
      if (choices && !q.options) refuse("options", `required for the kind ${q.kind}`);
      if (!choices && q.options) refuse("options", `only for the kinds choice and multichoice`);
      if (q.options) {
        const seen = new Set<string>();
        for (const [i, option] of q.options.entries()) {
          if (seen.has(option.value))
            ctx.addIssue({
              code: "custom",
              path: ["options", i, "value"],
              message: `duplicate option value "${option.value}"`,
            });
          seen.add(option.value);
        }
      }
      if (q.maxLength !== undefined) {
        if (q.kind !== "text" && q.kind !== "textarea")
          refuse("maxLength", "only for the kinds text and textarea");
        else if (q.maxLength > QUESTION_LIMITS[q.kind].cap)
          refuse("maxLength", `at most ${QUESTION_LIMITS[q.kind].cap} for the kind ${q.kind}`);
      }
      for (const field of ["min", "max"] as const) {
        const value = q[field];
        if (value === undefined) continue;
        if (q.kind !== "number" && q.kind !== "multichoice")
          refuse(field, "only for the kinds number and multichoice");
        else if (q.kind === "multichoice" && (!Number.isInteger(value) || value < 0))
          refuse(field, "must be a whole number of options, 0 or more");
        else if (q.kind === "multichoice" && q.options && value > q.options.length)
          refuse(field, `at most the number of options (${q.options.length})`);
      }
      if (q.min !== undefined && q.max !== undefined && q.min > q.max)
        refuse("max", "must not be less than min");
    });

export const QuestionDefinition = questionDefinition();

/** A service's questions: at most 20, ids unique within the service (`item`: the route's copy with its document). */
export function questionList<T extends z.ZodType<z.output<typeof QuestionDefinition>>>(item: T) {
  return z
    .array(item)
    .max(QUESTION_LIMITS.questions)
    .superRefine((questions, ctx) => {
      const seen = new Set<string>();
      for (const [i, q] of questions.entries()) {
        if (seen.has(q.id))
          ctx.addIssue({
            code: "custom",
            path: [i, "id"],
            message: `duplicate question id "${q.id}"`,
          });
        seen.add(q.id);
      }
    });
}

export const QuestionList = questionList(QuestionDefinition);

/** Drops the fields a definition left out, so stored and answered forms compare equal. */
export function normalizeQuestions(questions: z.output<typeof QuestionDefinition>[]): Question[] {
  return questions.map((q) => {
    const out: Question = { id: q.id, kind: q.kind, label: q.label, required: q.required };
    if (q.options) out.options = q.options;
    if (q.maxLength !== undefined) out.maxLength = q.maxLength;
    if (q.min !== undefined) out.min = q.min;
    if (q.max !== undefined) out.max = q.max;
    return out;
  });
}

/** The stored column: a service row written before questions existed has none. */
export function decodeQuestions(value: unknown): Question[] {
  if (value === null || value === undefined || value === "") return [];
  const parsed = QuestionList.safeParse(typeof value === "string" ? JSON.parse(value) : value);
  // A stored definition was validated on the way in; one that no longer parses is a bug.
  if (!parsed.success) throw new Error(`stored questions do not parse: ${parsed.error.message}`);
  return normalizeQuestions(parsed.data);
}

function textAnswer(q: Question, kind: "text" | "textarea") {
  const max = q.maxLength ?? QUESTION_LIMITS[kind].default;
  const base = z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine(wellFormed, "must be well-formed text without control characters");
  const oneLine =
    kind === "text" ? base.refine((v) => !/[\r\n]/.test(v), "must be one line") : base;
  return q.required ? oneLine.refine((v) => v.length > 0, "required: must not be empty") : oneLine;
}

function valueSchema(q: Question): z.ZodType<AnswerValue> {
  switch (q.kind) {
    case "text":
    case "textarea":
      return textAnswer(q, q.kind);
    case "phone":
      return z
        .string()
        .trim()
        .regex(PHONE_PATTERN, "must be a phone number such as +49 30 1234567");
    case "number": {
      let schema = z.number("must be a number").finite();
      if (q.min !== undefined) schema = schema.min(q.min, `must be at least ${q.min}`);
      if (q.max !== undefined) schema = schema.max(q.max, `must be at most ${q.max}`);
      return schema;
    }
    case "boolean":
      // A required yes/no is a consent: like a required HTML checkbox, it must be true.
      return q.required
        ? z.literal(true, "required: must be true")
        : z.boolean("must be true or false");
    case "choice": {
      const values = (q.options ?? []).map((o) => o.value);
      return z.string().refine((v) => values.includes(v), `must be one of: ${values.join(", ")}`);
    }
    case "multichoice": {
      const values = (q.options ?? []).map((o) => o.value);
      const fewest = Math.max(q.min ?? 0, q.required ? 1 : 0);
      const most = q.max ?? values.length;
      return z
        .array(z.string().refine((v) => values.includes(v), `must be one of: ${values.join(", ")}`))
        .max(values.length)
        .refine((v) => new Set(v).size === v.length, "must not pick an option twice")
        .refine((v) => v.length >= fewest, `pick at least ${fewest}`)
        .refine((v) => v.length <= most, `pick at most ${most}`);
    }
  }
}

/**
 * The zod schema of one booking's `answers`, built from the service's questions: an object with
 * one optional (or required) field per question and no other field.
 */
export function answersSchema(questions: Question[]) {
  const shape: Record<string, z.ZodType<AnswerValue | undefined>> = {};
  for (const q of questions) {
    const value = valueSchema(q);
    shape[q.id] = q.required
      ? z
          .unknown()
          .superRefine((v, ctx) => {
            // "required" rather than zod's "expected string, received undefined".
            if (v === undefined) ctx.addIssue({ code: "custom", message: "required" });
          })
          .pipe(value)
      : value.optional();
  }
  return z.strictObject(shape);
}

export type AnswersCheck =
  | { ok: true; answers: StoredAnswer[] }
  | { ok: false; field: string; message: string };

/** Empty text and an empty pick of an optional question are "not answered": nothing is stored. */
function answered(value: AnswerValue | undefined): value is AnswerValue {
  if (value === undefined) return false;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * Checks `given` against the questions and returns the answers to store (in question order), or
 * the first problem with its field under `answers.` (the caller adds `body.`).
 */
export function checkAnswers(questions: Question[], given: Record<string, unknown>): AnswersCheck {
  const parsed = answersSchema(questions).safeParse(given);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    if (issue?.code === "unrecognized_keys") {
      const [key] = issue.keys;
      return { ok: false, field: `answers.${key}`, message: "not a question of this service" };
    }
    const key = issue?.path[0];
    return {
      ok: false,
      field: key === undefined ? "answers" : `answers.${String(key)}`,
      message: issue?.message ?? "invalid",
    };
  }
  const values = parsed.data as Record<string, AnswerValue | undefined>;
  const answers: StoredAnswer[] = [];
  for (const q of questions) {
    const value = values[q.id];
    if (!answered(value)) continue;
    const answer: StoredAnswer = { id: q.id, kind: q.kind, label: q.label, value };
    if (q.options) {
      const picked = Array.isArray(value) ? value : [value];
      answer.options = picked.flatMap((v) => q.options?.filter((o) => o.value === v) ?? []);
    }
    answers.push(answer);
  }
  return { ok: true, answers };
}

/** The stored answers column: a row written before answers existed has none. */
export function decodeAnswers(value: unknown): StoredAnswer[] {
  if (value === null || value === undefined || value === "") return [];
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? (parsed as StoredAnswer[]) : [];
}
