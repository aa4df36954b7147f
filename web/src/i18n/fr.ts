import type { Messages } from "./types.ts";

export const fr: Messages = {
  languageName: "Français",
  language: "Langue",

  bookTitle: "Prendre rendez-vous",
  skipToBooking: "Aller au formulaire de réservation",
  needsJsTimes: "Cette page a besoin de JavaScript pour afficher les horaires libres.",
  chooseTitle: "1. Quoi et avec qui",
  serviceLabel: "Prestation",
  withLabel: "Avec",
  anyone: "Peu importe",
  continue: "Continuer",
  detailsTitle: "2. Vos coordonnées",
  heldFor: "Réservé pour vous encore",
  keepLonger: "Garder plus longtemps",
  nameLabel: "Nom",
  emailLabel: "E-mail",
  phoneLabel: "Téléphone",
  notesLabel: "Remarques",
  optional: "(facultatif)",
  book: "Réserver",
  chooseAnother: "Choisir un autre horaire",
  doneTitle: "Votre rendez-vous est réservé",
  keepLink: "Pour le consulter, le déplacer ou l’annuler plus tard, gardez ce lien :",
  manageLink: "Gérer votre rendez-vous",
  addToCalendar: "L’ajouter à votre agenda (fichier .ics)",
  bookAnother: "Prendre un autre rendez-vous",

  manageTitle: "Votre rendez-vous",
  skipToAppointment: "Aller à votre rendez-vous",
  needsJs: "Cette page a besoin de JavaScript.",
  appointmentTitle: "Rendez-vous",
  loadingAppointment: "Chargement de votre rendez-vous…",
  moveToAnother: "Déplacer à un autre horaire",
  cancelAppointment: "Annuler le rendez-vous",
  confirmCancel: "Annuler ce rendez-vous ? Son horaire redevient libre pour d’autres.",
  yesCancel: "Oui, l’annuler",
  noKeep: "Non, le garder",
  chooseNewTime: "Choisir un nouvel horaire",
  moveHere: "Déplacer mon rendez-vous ici",
  keepCurrent: "Garder l’horaire actuel",

  loadingServices: "Chargement des prestations…",
  servicesFailed: "Les prestations n’ont pas pu être chargées",
  noServices: "Aucune prestation n’est encore proposée",
  loadAgain: "Recharger",
  serviceOption: (name, minutes) => `${name} (${minutes} min)`,
  serviceInfo: (description, minutes, price) =>
    `${description} ${minutes} minutes, ${price}.`.trim(),
  ourTeam: "notre équipe",
  slotWith: (slot, staff) => `${slot} avec ${staff}`,
  chosen: (what) => `Choisi : ${what}`,
  chosenAnnounce: (what) => `Choisi : ${what}. Appuyez sur Continuer pour le réserver.`,
  holding: "Réservation…",
  holdAnnounce: (countdown) => `Cet horaire vous est réservé pendant ${countdown} minutes.`,
  minutesLeft: (minutes) =>
    `Encore ${minutes} ${minutes === 1 ? "minute" : "minutes"} pour réserver cet horaire.`,
  holdRanOut: (slot) =>
    `Votre réservation de ${slot ?? "cet horaire"} a expiré, rien n’a été réservé. Choisissez de nouveau l’horaire (il est peut-être encore libre) ou un autre.`,
  chooseATime: "Choisir un horaire",
  heldMore: (countdown) => `Réservé encore ${countdown} minutes.`,
  heldMoreCapped: (countdown) =>
    `Réservé encore ${countdown} minutes ; nous ne pouvons pas le garder plus longtemps.`,
  booking: "Réservation…",
  hintName: "Veuillez saisir votre nom.",
  hintEmail: "Veuillez saisir votre adresse e-mail, par exemple nom@example.com.",
  hintPhone: "Veuillez saisir un numéro de téléphone, par exemple +33 1 23 45 67 89.",
  hintNotes: "Veuillez raccourcir vos remarques.",
  bookedSummary: (service, staff, slot, email) =>
    `${service} avec ${staff}, ${slot}. Une confirmation est envoyée à ${email}.`,
  yourAppointment: "Votre rendez-vous",
  bookedAnnounce: "Votre rendez-vous est réservé.",

  slotAt: (day, time, offset, yours) =>
    `${day} à ${time} (${offset}${yours ? ` ; ${yours} chez vous` : ""})`,

  previousMonth: "Mois précédent",
  nextMonth: "Mois suivant",
  datesNote:
    "Les jours avec des horaires libres sont marqués. Choisissez-en un pour voir ses horaires.",
  loadingDates: "Chargement des jours…",
  loadDatesAgain: "Recharger les jours",
  freeCount: (n) => `${n} ${n === 1 ? "libre" : "libres"}`,
  noFreeTimes: "aucun horaire libre",
  dayHasNoTimes: (day) => `Le ${day} n’a aucun horaire libre.`,
  timesTitle: "Horaires",
  timesOn: (day) => `Horaires du ${day}`,
  loadingTimes: "Chargement des horaires…",
  loadTimesAgain: "Recharger les horaires",
  noTimesOnDate: "Aucun horaire ce jour-là. Veuillez choisir un autre jour.",
  timesIn: (zone, offset, visitorZone) =>
    `Horaires dans le fuseau ${zone ?? "du salon"} (${offset}).` +
    (visitorZone ? ` Votre heure (${visitorZone}) est indiquée sous chaque horaire.` : ""),
  yoursShort: (time) => `${time} chez vous`,
  stateAvailable: "libre",
  stateViewing: "quelqu’un regarde",
  stateHeld: "réservé",
  stateBooked: "pris",
  stateMine: "votre choix",
  notFree: "Cet horaire n’est pas libre. Veuillez en choisir un autre.",

  linkIncomplete:
    "Ce lien est incomplet. Veuillez ouvrir le lien complet de votre confirmation de réservation.",
  appointmentNotFound:
    "Nous n’avons pas trouvé ce rendez-vous. Vérifiez que vous avez ouvert le lien complet de votre confirmation.",
  tryAgain: "Réessayer",
  statusRow: "Statut",
  statusConfirmed: "Confirmé",
  statusCancelled: "Annulé",
  serviceRow: "Prestation",
  withRow: "Avec",
  whenRow: "Quand",
  nameRow: "Nom",
  cancelledAnnounce:
    "Votre rendez-vous est annulé. Son horaire est de nouveau libre pour d’autres.",
  cannotMoveOnline:
    "Cette prestation ne peut plus être réservée en ligne. Contactez-nous pour déplacer votre rendez-vous.",
  newTime: (slot) => `Nouvel horaire : ${slot}`,
  newTimeAnnounce: (slot) =>
    `Nouvel horaire choisi : ${slot}. Appuyez sur « Déplacer mon rendez-vous ici ».`,
  moving: "Déplacement…",
  movedAnnounce: (slot) => `Déplacé. Votre rendez-vous est maintenant le ${slot}.`,

  repeatLabel: "Répéter ce rendez-vous",
  repeatWith: (staff) => `Chaque fois avec ${staff}, à la même heure, à partir de la date choisie.`,
  everyLabel: "Fréquence",
  everyWeeks: (n) => (n === 1 ? "chaque semaine" : `toutes les ${n} semaines`),
  countLabel: "Combien de fois",
  checkDates: "Vérifier les dates",
  seriesTitle: "Vos dates répétées",
  seriesLoading: "Vérification des dates…",
  occurrenceFree: "libre",
  occurrenceTaken: "prise",
  pickAlternative:
    "Cette heure est prise. Choisissez une autre heure ce jour-là, ou laissez cette date de côté :",
  noAlternatives: "Aucune autre heure n’est libre ce jour-là.",
  leaveOut: "Laisser cette date de côté",
  chooseForTaken: "Pour chaque date prise, choisissez une heure ou laissez-la de côté.",
  holdSeries: (n) => `Réserver ces ${n} horaires`,
  backToTimes: "Retour aux horaires",
  seriesWith: (n, staff) => `${n} rendez-vous avec ${staff} :`,
  bookedSeriesSummary: (service, staff, n, email) =>
    `${service} avec ${staff}, ${n} fois. Une confirmation est en route vers ${email}.`,
  seriesAnnounce: (free, taken) => `${free} dates libres, ${taken} prises.`,

  notifyMe: "M’avertir quand un horaire se libère",
  dayFull: (day) => `Plus d’horaire libre le ${day}.`,
  waitlistTitle: (day) => `Recevoir un e-mail quand un horaire se libère le ${day}`,
  waitlistIntro:
    "Quand quelqu’un annule, l’horaire est gardé pour la première personne en attente, qui reçoit un e-mail pour le réserver.",
  windowLegend: "Seulement entre ces heures (facultatif)",
  fromLabel: "De",
  toLabel: "À",
  joining: "Envoi…",
  codeSent: (email) =>
    `Nous avons envoyé un code à 6 chiffres à ${email}. Saisissez-le pour rejoindre la liste d’attente.`,
  codeLabel: "Code reçu par e-mail",
  confirmCode: "Confirmer",
  hintCode: "Saisissez les 6 chiffres de l’e-mail.",
  onWaitlist: (day) =>
    `Vous êtes sur la liste d’attente du ${day}. Nous vous écrirons dès qu’un horaire se libère.`,
  notNow: "Pas maintenant",

  waitlistPageTitle: "Votre liste d’attente",
  skipToOffer: "Aller à l’offre",
  offerTitle: "Un horaire est libre pour vous",
  offerIntro: "Un horaire que vous attendiez est libre, et il est gardé pour vous :",
  offerKeptFor: "Gardé pour vous encore",
  bookOffer: "Réserver cet horaire",
  offerLapsed:
    "L’horaire n’est plus gardé pour vous. Vous pouvez encore le réserver si personne d’autre ne l’a pris.",
  offerTaken: "Désolé, quelqu’un d’autre a réservé cet horaire entre-temps.",
  offerInvalid:
    "Ce lien n’est plus valable : l’offre a déjà été utilisée, ou l’inscription est terminée.",
  offerNeedsAnswers:
    "Ce service pose quelques questions avant la réservation : réservez l’horaire sur la page de réservation.",
  toBookingPage: "Aller à la page de réservation",
  leaveTitle: "Quitter la liste d’attente",
  leaveConfirm: "Quitter la liste d’attente ? Nous ne vous écrirons plus au sujet de cette date.",
  leaveYes: "Oui, quitter la liste",
  leftDone:
    "Vous avez quitté la liste d’attente. Nous ne vous écrirons plus au sujet de cette date.",
  leaveEnded: "Cette inscription a déjà été réservée ou est terminée.",

  seriesRow: "Série",
  seriesPart: "Fait partie d’une série répétée",
  scopeLegend: "Quels rendez-vous ?",
  scopeOne: "Seulement celui-ci",
  scopeFollowing: "Celui-ci et les suivants",
  scopeAll: "Tous ceux de la série",
  cancelledMany: (n) =>
    `${n} rendez-vous sont annulés. Leurs horaires sont de nouveau libres pour d’autres.`,
  leftInside: (n) =>
    `${n} ne peuvent plus être annulés en ligne : ils sont trop proches. Contactez-nous à leur sujet.`,

  slotHeld: (until) =>
    `Quelqu’un d’autre a réservé cet horaire${until ? ` jusqu’à ${until} (votre heure)` : ""} le temps de finaliser. Veuillez en choisir un autre.`,
  slotUnavailable:
    "Cet horaire vient d’être pris ou n’est plus proposé. Veuillez en choisir un autre.",
  holdExpired:
    "Votre réservation a expiré et l’horaire n’est plus libre. Rien n’a été réservé. Veuillez choisir un autre horaire.",
  tooMany: (wait) =>
    `Trop de requêtes depuis votre connexion. Veuillez patienter ${wait} puis réessayer.`,
  overloaded: (wait) =>
    `Le système de réservation est très sollicité. Veuillez réessayer dans ${wait}.`,
  storeUnavailable:
    "Les réservations sont brièvement indisponibles. Rien n’a été modifié. Veuillez réessayer dans une minute.",
  stillProcessing:
    "Votre réservation est encore en cours de traitement. Patientez quelques secondes puis réessayez.",
  network:
    "Le service de réservation est injoignable. Vérifiez votre connexion et réessayez ; réessayer ne réserve jamais deux fois.",
  timeout:
    "Le service de réservation n’a pas répondu à temps. Veuillez réessayer ; réessayer ne réserve jamais deux fois.",
  notFound: "Introuvable. Si vous avez suivi un lien, vérifiez que vous l’avez ouvert en entier.",
  cutoffPassed: (until) =>
    `Cette modification n’est plus possible en ligne${until ? ` : elle l’était jusqu’au ${until}` : ""}. Veuillez nous contacter.`,
  notPossible: () => "Cette modification n’est plus possible en ligne. Veuillez nous contacter.",
  checkDetails: () => "Veuillez vérifier vos coordonnées.",
  somethingWrong: (code) =>
    `Une erreur s’est produite (${code}). Veuillez réessayer dans un instant.`,
  seconds: (n) => `${n} ${n === 1 ? "seconde" : "secondes"}`,
  minutes: (n) => `${n} ${n === 1 ? "minute" : "minutes"}`,
};
