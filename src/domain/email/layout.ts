/**
 * The one layout every email kind uses: the business's name, one title, a greeting and intro, an
 * optional code box, appointment cards (label/value rows, buttons, a small link), closing lines
 * and a footer. A kind only fills an `EmailContent`; this module turns it into the HTML and the
 * plain-text part from the same words, so both always say the same thing in the same language.
 *
 * The HTML is what common mail clients render: tables with role="presentation" (no grid or flex),
 * inline styles (many clients drop <style>), no images, no external CSS, at most 600 px wide.
 * The <style> block only enhances: a dark palette for clients that honour prefers-color-scheme,
 * and smaller paddings on narrow screens. The inline light palette keeps its contrast when a
 * client inverts it (mid-dark blue buttons with white text, near-black text on white).
 *
 * Every text and value is escaped here, once, whatever its source (customer names, business
 * names, URLs): a kind never writes HTML.
 */
import type { Locale } from "../settings/settings.ts";

export interface Button {
  label: string;
  href: string;
  /** The first, filled button; the others are outlined. */
  primary: boolean;
}

export interface Card {
  /** A status pill above the rows (a cancelled appointment). */
  badge?: string;
  /** `struck`: an old value (a moved appointment's time); `quiet`: for reference, not reading. */
  rows: { label: string; value: string; struck?: boolean; quiet?: boolean }[];
  buttons: Button[];
  /** A small text link under the buttons. */
  link?: { label: string; href: string };
  /** A line under the buttons (e.g. why the manage button asks for a sign-in). */
  note?: string;
}

export interface EmailContent {
  locale: Locale;
  subject: string;
  businessName: string;
  title: string;
  greeting: string;
  intro: string;
  /** A one-time code, shown large (the sign-in email). */
  code?: string;
  cards: Card[];
  /** Buttons after the cards (not about one appointment). */
  buttons: Button[];
  /** Closing lines (the attachment, what to do if unexpected). */
  closing: string[];
  footer: string;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The light palette, inline; the dark one lives in the <style> block (see DARK). */
const C = {
  page: "#f4f4f5",
  panel: "#ffffff",
  text: "#18181b",
  muted: "#52525b",
  card: "#f8fafc",
  border: "#e4e4e7",
  accent: "#1d4ed8",
  onAccent: "#ffffff",
  badgeBg: "#fee2e2",
  badgeText: "#991b1b",
};

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** Progressive enhancement only: the classes repeat what the inline styles say, in dark. */
const HEAD_STYLE = `<style>
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  .ae-page { background-color: #0f1115 !important; }
  .ae-panel { background-color: #181b21 !important; border-color: #2c313a !important; }
  .ae-card { background-color: #20242c !important; border-color: #343a46 !important; }
  .ae-text { color: #f4f4f5 !important; }
  .ae-muted { color: #b4b8c0 !important; }
  .ae-primary { background-color: #2563eb !important; border-color: #2563eb !important; color: #ffffff !important; }
  .ae-secondary { background-color: transparent !important; border-color: #93b4ff !important; color: #93b4ff !important; }
  .ae-link { color: #93b4ff !important; }
  .ae-badge { background-color: #4c1d1d !important; color: #fecaca !important; }
}
@media (max-width: 620px) {
  .ae-outer { padding: 12px 8px !important; }
  .ae-panel-cell { padding: 24px 18px !important; }
  .ae-title { font-size: 22px !important; }
}
</style>`;

function button(b: Button): string {
  const style = b.primary
    ? `background-color:${C.accent};border:2px solid ${C.accent};color:${C.onAccent};`
    : `background-color:${C.panel};border:2px solid ${C.accent};color:${C.accent};`;
  return `<a href="${escapeHtml(b.href)}" class="${b.primary ? "ae-primary" : "ae-secondary"}" style="${style}display:inline-block;margin:8px 8px 0 0;padding:10px 18px;border-radius:8px;font-family:${FONT};font-size:15px;font-weight:600;line-height:20px;text-decoration:none;">${escapeHtml(b.label)}</a>`;
}

function buttons(list: Button[]): string {
  if (list.length === 0) return "";
  return `<tr><td style="padding-top:8px;">${list.map(button).join("")}</td></tr>`;
}

function cardHtml(card: Card): string {
  const badge = card.badge
    ? `<tr><td style="padding-bottom:12px;"><span class="ae-badge" style="display:inline-block;padding:3px 10px;border-radius:999px;background-color:${C.badgeBg};color:${C.badgeText};font-family:${FONT};font-size:13px;font-weight:600;">${escapeHtml(card.badge)}</span></td></tr>`
    : "";
  const rows = card.rows
    .map((row) => {
      const plain = row.struck || row.quiet;
      const value =
        `font-family:${FONT};font-size:${row.quiet ? "14px" : "16px"};line-height:22px;` +
        `font-weight:${plain ? "400" : "600"};color:${plain ? C.muted : C.text};` +
        (row.struck ? "text-decoration:line-through;" : "");
      return (
        `<tr><td style="padding:6px 0;">` +
        `<div class="ae-muted" style="font-family:${FONT};font-size:13px;line-height:18px;color:${C.muted};">${escapeHtml(row.label)}</div>` +
        `<div class="${plain ? "ae-muted" : "ae-text"}" style="${value}">${escapeHtml(row.value)}</div>` +
        `</td></tr>`
      );
    })
    .join("");
  const link = card.link
    ? `<tr><td style="padding-top:12px;font-family:${FONT};font-size:14px;line-height:20px;"><a href="${escapeHtml(card.link.href)}" class="ae-link" style="color:${C.accent};text-decoration:underline;">${escapeHtml(card.link.label)}</a></td></tr>`
    : "";
  const note = card.note
    ? `<tr><td class="ae-muted" style="padding-top:8px;font-family:${FONT};font-size:14px;line-height:20px;color:${C.muted};">${escapeHtml(card.note)}</td></tr>`
    : "";
  return (
    `<table role="presentation" class="ae-card" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px;background-color:${C.card};border:1px solid ${C.border};border-radius:10px;">` +
    `<tr><td style="padding:16px 18px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">` +
    `${badge}${rows}${buttons(card.buttons)}${link}${note}` +
    `</table></td></tr></table>`
  );
}

function paragraph(text: string, muted = false): string {
  return `<p class="${muted ? "ae-muted" : "ae-text"}" style="margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:${muted ? C.muted : C.text};">${escapeHtml(text)}</p>`;
}

function codeBox(code: string): string {
  return `<table role="presentation" class="ae-card" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px;background-color:${C.card};border:1px solid ${C.border};border-radius:10px;"><tr><td align="center" class="ae-text" style="padding:18px;font-family:'SFMono-Regular',Menlo,Consolas,'Liberation Mono',monospace;font-size:32px;line-height:40px;font-weight:700;letter-spacing:6px;color:${C.text};">${escapeHtml(code)}</td></tr></table>`;
}

export function renderHtml(c: EmailContent): string {
  const body = [
    `<h1 class="ae-text ae-title" style="margin:0 0 20px;font-family:${FONT};font-size:26px;line-height:32px;font-weight:700;color:${C.text};">${escapeHtml(c.title)}</h1>`,
    paragraph(c.greeting),
    paragraph(c.intro),
    ...(c.code === undefined ? [] : [codeBox(c.code)]),
    ...c.cards.map(cardHtml),
    ...(c.buttons.length
      ? [
          `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px;">${buttons(c.buttons)}</table>`,
        ]
      : []),
    ...c.closing.map((line) => paragraph(line, true)),
  ].join("\n");
  return [
    "<!doctype html>",
    `<html lang="${c.locale}" dir="ltr">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="supported-color-schemes" content="light dark">',
    `<title>${escapeHtml(c.subject)}</title>`,
    HEAD_STYLE,
    "</head>",
    `<body class="ae-page" style="margin:0;padding:0;background-color:${C.page};">`,
    // The inbox preview line: the intro, hidden in the message itself.
    `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${escapeHtml(c.intro)}</div>`,
    `<table role="presentation" class="ae-page" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:${C.page};">`,
    `<tr><td align="center" class="ae-outer" style="padding:32px 12px;">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;">`,
    `<tr><td class="ae-muted" style="padding:0 4px 14px;font-family:${FONT};font-size:15px;line-height:20px;font-weight:700;color:${C.muted};">${escapeHtml(c.businessName)}</td></tr>`,
    `<tr><td class="ae-panel ae-panel-cell" style="padding:32px;background-color:${C.panel};border:1px solid ${C.border};border-radius:12px;">`,
    body,
    "</td></tr>",
    `<tr><td class="ae-muted" style="padding:16px 4px 0;font-family:${FONT};font-size:13px;line-height:18px;color:${C.muted};">${escapeHtml(c.footer)}</td></tr>`,
    "</table>",
    "</td></tr>",
    "</table>",
    "</body>",
    "</html>",
  ].join("\n");
}

/** The plain-text part: the same words, in reading order, links written out. */
export function renderText(c: EmailContent): string {
  const blocks: string[][] = [[c.title], [c.greeting], [c.intro]];
  if (c.code !== undefined) blocks.push([c.code]);
  for (const card of c.cards) {
    blocks.push([
      ...(card.badge ? [`[${card.badge}]`] : []),
      ...card.rows.map((row) => `${row.label}: ${row.value}`),
    ]);
    const links = [
      ...card.buttons.map((b) => `${b.label}: ${b.href}`),
      ...(card.link ? [`${card.link.label}: ${card.link.href}`] : []),
      ...(card.note ? [card.note] : []),
    ];
    if (links.length) blocks.push(links);
  }
  if (c.buttons.length) blocks.push(c.buttons.map((b) => `${b.label}: ${b.href}`));
  for (const line of c.closing) blocks.push([line]);
  blocks.push([`— ${c.businessName}`, c.footer]);
  return blocks.map((lines) => lines.join("\n")).join("\n\n");
}
