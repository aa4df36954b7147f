/**
 * Intake questions and answers in the document: the definition an admin sends (validated by
 * src/domain/catalog/questions.ts), the form services show, and the answers a booking carries.
 */
import { z } from "@hono/zod-openapi";
import {
  QUESTION_KINDS,
  QUESTION_LIMITS,
  questionDefinition,
  questionList,
  SLUG_PATTERN,
} from "../../domain/catalog/questions.ts";

const LABEL_EXAMPLE = { en: "Any allergies we should know about?", de: "Allergien?" };

const Localized = (description: string) =>
  z.record(z.string(), z.string()).openapi({
    description: `${description} Keyed by BCP 47 language tag; \`en\` is always there.`,
    example: LABEL_EXAMPLE,
  });

const QUESTION_DESCRIPTION =
  `One question asked at booking. \`kind\`: text (one line), textarea, choice (one option), multichoice (several), boolean (a required one must be true, like a consent box), phone, number. ` +
  `\`options\` only for choice and multichoice (1 to ${QUESTION_LIMITS.options}, values unique); \`maxLength\` only for text (at most ${QUESTION_LIMITS.text.cap}, default ${QUESTION_LIMITS.text.default}) and textarea (at most ${QUESTION_LIMITS.textarea.cap}, default ${QUESTION_LIMITS.textarea.default}); ` +
  "`min`/`max` only for number (the value) and multichoice (how many options are picked). " +
  `Labels: at most ${QUESTION_LIMITS.languages} languages, ${QUESTION_LIMITS.labelLength} characters (options ${QUESTION_LIMITS.optionLabelLength}).`;

const EXAMPLE_QUESTIONS = [
  { id: "allergies", kind: "textarea", label: LABEL_EXAMPLE, required: false, maxLength: 500 },
  {
    id: "hair-length",
    kind: "choice",
    label: { en: "Hair length", de: "Haarlänge" },
    required: true,
    options: [
      { value: "short", label: { en: "Short", de: "Kurz" } },
      { value: "long", label: { en: "Long", de: "Lang" } },
    ],
  },
];

/** The definition as an admin sends it. */
export const Questions = questionList(
  questionDefinition().openapi("QuestionInput", { description: QUESTION_DESCRIPTION }),
).openapi({
  description: `Intake questions asked at booking, in order: at most ${QUESTION_LIMITS.questions}, ids unique within the service.`,
  example: EXAMPLE_QUESTIONS,
});

const Slug = (example: string) =>
  z.string().regex(SLUG_PATTERN).openapi({ description: "A short slug.", example });

const QuestionOption = z
  .object({ value: Slug("short"), label: Localized("The option's text.") })
  .openapi("QuestionOption");

/** A question as services show it (the admin API and the public catalog). */
export const QuestionOut = z
  .object({
    id: Slug("allergies"),
    kind: z.enum(QUESTION_KINDS).openapi({ example: "textarea" }),
    label: Localized("The question."),
    required: z.boolean().openapi({ example: false }),
    options: z.array(QuestionOption).optional(),
    maxLength: z.number().int().optional().openapi({ example: 500 }),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .openapi("Question", { description: QUESTION_DESCRIPTION });

export const QuestionsOut = z.array(QuestionOut).openapi({
  description: "Intake questions asked at booking, in order; empty when none.",
  example: EXAMPLE_QUESTIONS,
});

export const AnswerValue = z
  .union([z.string(), z.array(z.string()), z.boolean(), z.number()])
  .openapi("AnswerValue", {
    description:
      "text, textarea, phone and choice: a string (choice: the option's value); multichoice: the option values; boolean: true or false; number: a number.",
    example: "Nuts",
  });

/** What a booking sends: validated against the service's questions as the booking reads them. */
export const AnswersInput = z
  .record(
    z.string().regex(SLUG_PATTERN, "must be a question id"),
    z.union([
      z.string().max(QUESTION_LIMITS.textarea.cap),
      z.array(z.string().max(40)).max(QUESTION_LIMITS.options),
      z.boolean(),
      z.number(),
    ]),
  )
  .refine((answers) => Object.keys(answers).length <= QUESTION_LIMITS.questions, {
    message: `at most ${QUESTION_LIMITS.questions} answers`,
  })
  .openapi("AnswersInput", {
    description:
      "Answers to the service's questions (`GET /v1/services`), by question id. A required question must be answered; an unknown id, or a value that does not fit its question, is 400 naming `body.answers.<id>`.",
    example: { allergies: "Nuts", "hair-length": "long" },
  });

/** One stored answer: the question as it was asked when booking, so later edits do not change it. */
export const AppointmentAnswer = z
  .object({
    id: Slug("allergies"),
    kind: z.enum(QUESTION_KINDS).openapi({ example: "textarea" }),
    label: Localized("The question as it was asked."),
    value: AnswerValue,
    options: z
      .array(QuestionOption)
      .optional()
      .openapi({ description: "choice and multichoice: the picked options as they were offered." }),
  })
  .openapi("AppointmentAnswer");
