import type { Messages } from "./types.ts";

export const es: Messages = {
  languageName: "Español",
  language: "Idioma",

  bookTitle: "Reservar una cita",
  skipToBooking: "Ir al formulario de reserva",
  needsJsTimes: "Esta página necesita JavaScript para mostrar las horas libres.",
  chooseTitle: "1. Qué y con quién",
  serviceLabel: "Servicio",
  withLabel: "Con",
  anyone: "Cualquiera",
  continue: "Continuar",
  detailsTitle: "2. Sus datos",
  heldFor: "Reservada para usted durante",
  keepLonger: "Mantenerla más tiempo",
  nameLabel: "Nombre",
  emailLabel: "Correo electrónico",
  phoneLabel: "Teléfono",
  notesLabel: "Notas",
  optional: "(opcional)",
  book: "Reservar",
  chooseAnother: "Elegir otra hora",
  doneTitle: "Su cita está reservada",
  keepLink: "Para verla, cambiarla o cancelarla más tarde, guarde este enlace:",
  manageLink: "Gestionar su cita",
  addToCalendar: "Añadirla a su calendario (archivo .ics)",
  bookAnother: "Reservar otra cita",

  manageTitle: "Su cita",
  skipToAppointment: "Ir a su cita",
  needsJs: "Esta página necesita JavaScript.",
  appointmentTitle: "Cita",
  loadingAppointment: "Cargando su cita…",
  moveToAnother: "Cambiar a otra hora",
  cancelAppointment: "Cancelar la cita",
  confirmCancel: "¿Cancelar esta cita? Su hora quedará libre para otras personas.",
  yesCancel: "Sí, cancelarla",
  noKeep: "No, mantenerla",
  chooseNewTime: "Elegir una nueva hora",
  moveHere: "Cambiar mi cita a esta hora",
  keepCurrent: "Mantener la hora actual",

  loadingServices: "Cargando servicios…",
  servicesFailed: "No se pudieron cargar los servicios",
  noServices: "Todavía no se ofrece ningún servicio",
  loadAgain: "Cargar de nuevo",
  serviceOption: (name, minutes) => `${name} (${minutes} min)`,
  serviceInfo: (description, minutes, price) =>
    `${description} ${minutes} minutos, ${price}.`.trim(),
  ourTeam: "nuestro equipo",
  slotWith: (slot, staff) => `${slot} con ${staff}`,
  chosen: (what) => `Elegida: ${what}`,
  chosenAnnounce: (what) => `Elegida: ${what}. Pulse Continuar para reservarla.`,
  holding: "Reservando…",
  holdAnnounce: (countdown) => `Esta hora queda reservada para usted durante ${countdown} minutos.`,
  minutesLeft: (minutes) =>
    `${minutes === 1 ? "Queda" : "Quedan"} ${minutes} ${minutes === 1 ? "minuto" : "minutos"} para reservar esta hora.`,
  holdRanOut: (slot) =>
    `Su reserva de ${slot ?? "esta hora"} ha caducado y no se ha reservado nada. Elija la hora de nuevo (puede que siga libre) u otra.`,
  chooseATime: "Elegir una hora",
  heldMore: (countdown) => `Reservada ${countdown} minutos más.`,
  heldMoreCapped: (countdown) =>
    `Reservada ${countdown} minutos más; no podemos mantenerla más tiempo.`,
  booking: "Reservando…",
  hintName: "Introduzca su nombre.",
  hintEmail: "Introduzca su correo electrónico, por ejemplo nombre@example.com.",
  hintPhone: "Introduzca un número de teléfono, por ejemplo +34 912 345 678.",
  hintNotes: "Acorte sus notas, por favor.",
  bookedSummary: (service, staff, slot, email) =>
    `${service} con ${staff}, ${slot}. Le enviamos una confirmación a ${email}.`,
  yourAppointment: "Su cita",
  bookedAnnounce: "Su cita está reservada.",

  slotAt: (day, time, offset, yours) =>
    `${day} a las ${time} (${offset}${yours ? `; ${yours} en su hora` : ""})`,

  previousMonth: "Mes anterior",
  nextMonth: "Mes siguiente",
  datesNote: "Los días con horas libres están marcados. Elija uno para ver sus horas.",
  loadingDates: "Cargando días…",
  loadDatesAgain: "Cargar los días de nuevo",
  freeCount: (n) => `${n} ${n === 1 ? "libre" : "libres"}`,
  noFreeTimes: "sin horas libres",
  dayHasNoTimes: (day) => `El ${day} no tiene horas libres.`,
  timesTitle: "Horas",
  timesOn: (day) => `Horas del ${day}`,
  loadingTimes: "Cargando horas…",
  loadTimesAgain: "Cargar las horas de nuevo",
  noTimesOnDate: "No hay horas en este día. Elija otro día.",
  timesIn: (zone, offset, visitorZone) =>
    `Horas en ${zone ?? "la zona horaria del salón"} (${offset}).` +
    (visitorZone ? ` Su propia hora (${visitorZone}) aparece debajo de cada hora.` : ""),
  yoursShort: (time) => `${time} la suya`,
  stateAvailable: "libre",
  stateViewing: "alguien está mirando",
  stateHeld: "reservada",
  stateBooked: "ocupada",
  stateMine: "su elección",
  notFree: "Esta hora no está libre. Elija otra.",

  linkIncomplete:
    "Este enlace está incompleto. Abra el enlace completo de su confirmación de reserva.",
  appointmentNotFound:
    "No encontramos esta cita. Compruebe que abrió el enlace completo de su confirmación.",
  tryAgain: "Intentar de nuevo",
  statusRow: "Estado",
  statusConfirmed: "Confirmada",
  statusCancelled: "Cancelada",
  serviceRow: "Servicio",
  withRow: "Con",
  whenRow: "Cuándo",
  nameRow: "Nombre",
  cancelledAnnounce: "Su cita está cancelada. Su hora vuelve a estar libre para otras personas.",
  cannotMoveOnline:
    "Este servicio ya no se puede reservar en línea. Contáctenos para cambiar su cita.",
  newTime: (slot) => `Nueva hora: ${slot}`,
  newTimeAnnounce: (slot) => `Nueva hora elegida: ${slot}. Pulse «Cambiar mi cita a esta hora».`,
  moving: "Cambiando…",
  movedAnnounce: (slot) => `Cambiada. Su cita es ahora el ${slot}.`,

  slotHeld: (until) =>
    `Otra persona tiene esta hora reservada${until ? ` hasta las ${until} (su hora)` : ""} mientras completa su reserva. Elija otra hora.`,
  slotUnavailable: "Esta hora acaba de ocuparse o ya no se ofrece. Elija otra.",
  holdExpired:
    "Su reserva ha caducado y la hora ya no está libre. No se ha reservado nada. Elija otra hora.",
  tooMany: (wait) =>
    `Demasiadas solicitudes desde su conexión. Espere ${wait} y vuelva a intentarlo.`,
  overloaded: (wait) =>
    `El sistema de reservas está muy ocupado ahora mismo. Vuelva a intentarlo en ${wait}.`,
  storeUnavailable:
    "Las reservas no están disponibles por un momento. No se ha cambiado nada. Vuelva a intentarlo en un minuto.",
  stillProcessing:
    "Su reserva se está procesando todavía. Espere unos segundos y vuelva a intentarlo.",
  network:
    "No pudimos contactar con el servicio de reservas. Compruebe su conexión y vuelva a intentarlo; reintentar nunca reserva dos veces.",
  timeout:
    "El servicio de reservas no respondió a tiempo. Vuelva a intentarlo; reintentar nunca reserva dos veces.",
  notFound: "No lo encontramos. Si siguió un enlace, compruebe que lo abrió completo.",
  cutoffPassed: (until) =>
    `Este cambio ya no es posible en línea${until ? `: era posible hasta el ${until}` : ""}. Contáctenos.`,
  notPossible: () => "Este cambio ya no es posible en línea. Contáctenos.",
  checkDetails: () => "Compruebe sus datos.",
  somethingWrong: (code) => `Algo salió mal (${code}). Vuelva a intentarlo en un momento.`,
  seconds: (n) => `${n} ${n === 1 ? "segundo" : "segundos"}`,
  minutes: (n) => `${n} ${n === 1 ? "minuto" : "minutos"}`,
};
