/**
 * `@mfakit/web` as a Next.js route handler (App Router): every method of `/mfa/**` answered by
 * the pages. `web` is built once per server in `src/mfa.ts`, with `basePath: "/mfa"`.
 */

import { web } from "../../../mfa.js";

const handler = async (request: Request): Promise<Response> => (await web()).fetch(request);

/** GET of any page under /mfa. */
export const GET = handler;
/** The pages' forms. */
export const POST = handler;
