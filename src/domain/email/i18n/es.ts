import type { Messages } from "./messages.ts";

export const es: Messages = {
  intl: "es-ES",
  greeting: (name) => `Hola, ${name}:`,
  greetingNoName: "Hola:",
  card: {
    service: "Servicio",
    staff: "Con",
    date: "Fecha",
    time: "Hora",
    duration: "Duración",
    price: "Precio",
    reference: "Referencia",
    previously: "Antes",
    cancelled: "Cancelada",
  },
  buttons: {
    change: "Cambiar",
    addToCalendar: "Añadir al calendario",
    manage: "Gestionar",
    bookAgain: "Reservar otra hora",
  },
  cancelLink: "Cancelar esta cita",
  signInToManage: "Inicia sesión con esta dirección de correo para cambiarla o cancelarla.",
  footer: (business) => `${business} te ha enviado este correo sobre tu reserva.`,
  confirmation: {
    subject: (f) => `Reserva confirmada: ${f.service} con ${f.staff}`,
    title: "Tu reserva está confirmada",
    intro: (business) => `Gracias por reservar en ${business}. ¡Hasta pronto!`,
    introSeveral: (business, count) =>
      `Gracias por reservar en ${business}: ${count} citas, una por hora.`,
    attachment: "El archivo de calendario va adjunto.",
  },
  reschedule: {
    subject: (f) => `Cita cambiada: ${f.service} con ${f.staff}`,
    title: "Tu cita ha cambiado de hora",
    intro: (business) => `Tu cita en ${business} tiene una nueva hora:`,
    attachment: "El archivo de calendario actualizado va adjunto.",
  },
  cancellation: {
    subject: (f) => `Cita cancelada: ${f.service} con ${f.staff}`,
    title: "Tu cita está cancelada",
    intro: (business) => `Tu cita en ${business} está cancelada:`,
    attachment: "El archivo de calendario adjunto la elimina de tu calendario.",
  },
  reminder: {
    subject: (f, when) => `Recordatorio: ${f.service} con ${f.staff}, ${when}`,
    title: "Tu cita se acerca",
    intro: (business, inWords) => `Te recordamos tu cita en ${business} dentro de ${inWords}.`,
    attachment: "El archivo de calendario va adjunto.",
  },
  signInCode: {
    subject: (code) => `Tu código de acceso: ${code}`,
    title: "Tu código de acceso",
    intro: "Introduce este código para ver y gestionar tus citas:",
    validity: "Funciona una sola vez, durante 10 minutos.",
    ignore: "Si no lo has pedido, ignora este correo.",
    footer: "Te enviamos este correo porque alguien pidió acceder con esta dirección.",
  },
  waitlistCode: {
    subject: (code) => `Su código de lista de espera: ${code}`,
    title: "Confirme su lugar en la lista de espera",
    intro: (what) => `Introduzca este código para unirse a la lista de espera de ${what}:`,
    validity: "Funciona una vez, durante 10 minutos. No inicia ninguna sesión.",
    ignore: "Si no lo ha solicitado, ignore este correo: sin el código no ocurre nada.",
    leave: "Salir de la lista de espera",
    footer:
      "Este correo se envió porque alguien pidió unirse a una lista de espera con esta dirección.",
  },
  waitlistOffer: {
    subject: (f) => `Hay una hora libre para usted: ${f.service} con ${f.staff}`,
    title: "Se ha liberado una hora y está reservada para usted",
    intro: (business, until) =>
      `Es el siguiente en la lista de espera de ${business}. Esta hora está reservada para usted hasta ${until}; nadie más puede tomarla mientras tanto.`,
    book: "Reservar esta hora",
    leave: "Salir de la lista de espera",
    footer: "Este correo se envió porque se unió a una lista de espera con esta dirección.",
  },
};
