import { createRouter } from "../../http/router.ts";
import { selectSlotRoute } from "./select.ts";

export const slotRoutes = createRouter().route("/", selectSlotRoute);
