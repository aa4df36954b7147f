/**
 * Development only: the distance between the edge worker and the placed worker. `npm run dev`
 * with DISTANCE_MS > 0 binds the edge worker's PLACED to this worker, which holds each request
 * half the round trip on the way there and half on the way back. It is never deployed: the
 * production configs bind PLACED to the placed worker itself (wrangler.toml).
 */
interface Env {
  ORIGIN: { fetch(request: Request): Promise<Response> };
  HOP_MS: string;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const halfMs = Number(env.HOP_MS) / 2;
    await wait(halfMs);
    const answer = await env.ORIGIN.fetch(request);
    const body = await answer.arrayBuffer();
    await wait(halfMs);
    return new Response(body, answer);
  },
};
