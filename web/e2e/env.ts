import { fileURLToPath } from "node:url";

export const ADMIN_EMAIL = "admin@e2e.test";
export const ADMIN_PASSWORD = "e2e admin password 1";
export const TENANT = "default";
export const SCREENSHOT_DIR = fileURLToPath(new URL("./screenshots/", import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
