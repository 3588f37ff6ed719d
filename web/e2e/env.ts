import { fileURLToPath } from "node:url";

export const ADMIN_EMAIL = "admin@e2e.test";
export const ADMIN_PASSWORD = "e2e admin password 1";
export const TENANT = "default";
export const SCREENSHOT_DIR = fileURLToPath(new URL("./screenshots/", import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
/** The platform operator's token the test server is started with (creates tenants). */
export const PLATFORM_TOKEN = "e2e-platform-operator-token-0123456789abcdef";
