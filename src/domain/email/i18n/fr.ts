import type { Messages } from "./messages.ts";

/** French puts a no-break space before ":" and "!" (written \u00a0 so it survives editors). */
export const fr: Messages = {
  intl: "fr-FR",
  greeting: (name) => `Bonjour ${name},`,
  greetingNoName: "Bonjour,",
  card: {
    service: "Prestation",
    staff: "Avec",
    date: "Date",
    time: "Heure",
    duration: "Durée",
    price: "Prix",
    reference: "Référence",
    previously: "Auparavant",
    cancelled: "Annulé",
  },
  buttons: {
    change: "Modifier",
    addToCalendar: "Ajouter au calendrier",
    manage: "Gérer",
    bookAgain: "Réserver un autre créneau",
  },
  cancelLink: "Annuler ce rendez-vous",
  signInToManage: "Connectez-vous avec cette adresse e-mail pour le modifier ou l’annuler.",
  footer: (business) =>
    `Cet e-mail vous a été envoyé par ${business} au sujet de votre réservation.`,
  confirmation: {
    subject: (f) => `Réservation confirmée\u00a0: ${f.service} avec ${f.staff}`,
    title: "Votre réservation est confirmée",
    intro: (business) => `Merci d’avoir réservé chez ${business}. À bientôt\u00a0!`,
    introSeveral: (business, count) =>
      `Merci d’avoir réservé chez ${business}\u00a0: ${count} rendez-vous, un par créneau.`,
    attachment: "Le fichier de calendrier est joint.",
  },
  reschedule: {
    subject: (f) => `Rendez-vous déplacé\u00a0: ${f.service} avec ${f.staff}`,
    title: "Votre rendez-vous a été déplacé",
    intro: (business) => `Votre rendez-vous chez ${business} a un nouvel horaire\u00a0:`,
    attachment: "Le fichier de calendrier mis à jour est joint.",
  },
  cancellation: {
    subject: (f) => `Rendez-vous annulé\u00a0: ${f.service} avec ${f.staff}`,
    title: "Votre rendez-vous est annulé",
    intro: (business) => `Votre rendez-vous chez ${business} est annulé\u00a0:`,
    attachment: "Le fichier de calendrier joint le retire de votre calendrier.",
  },
  reminder: {
    subject: (f, when) => `Rappel\u00a0: ${f.service} avec ${f.staff}, ${when}`,
    title: "Votre rendez-vous approche",
    intro: (business, inWords) =>
      `Un rappel de votre rendez-vous chez ${business} dans ${inWords}.`,
    attachment: "Le fichier de calendrier est joint.",
  },
  signInCode: {
    subject: (code) => `Votre code de connexion\u00a0: ${code}`,
    title: "Votre code de connexion",
    intro: "Saisissez ce code pour voir et gérer vos rendez-vous\u00a0:",
    validity: "Il fonctionne une seule fois, pendant 10 minutes.",
    ignore: "Si vous ne l’avez pas demandé, ignorez cet e-mail.",
    footer: "Cet e-mail a été envoyé car quelqu’un a demandé à se connecter avec cette adresse.",
  },
  waitlistCode: {
    subject: (code) => `Votre code de liste d'attente : ${code}`,
    title: "Confirmez votre place sur la liste d'attente",
    intro: (what) => `Saisissez ce code pour rejoindre la liste d'attente pour ${what} :`,
    validity: "Il fonctionne une fois, pendant 10 minutes. Il ne vous connecte pas.",
    ignore: "Si vous ne l'avez pas demandé, ignorez cet e-mail : rien ne se passe sans le code.",
    leave: "Quitter la liste d'attente",
    footer:
      "Cet e-mail a été envoyé car quelqu'un a demandé à rejoindre une liste d'attente avec cette adresse.",
  },
  waitlistOffer: {
    subject: (f) => `Un créneau est libre pour vous : ${f.service} avec ${f.staff}`,
    title: "Un créneau s'est libéré et il vous est réservé",
    intro: (business, until) =>
      `Vous êtes le prochain sur la liste d'attente de ${business}. Ce créneau vous est réservé jusqu'à ${until} ; personne d'autre ne peut le prendre d'ici là.`,
    book: "Réserver ce créneau",
    leave: "Quitter la liste d'attente",
    footer: "Cet e-mail a été envoyé car vous avez rejoint une liste d'attente avec cette adresse.",
  },
};
