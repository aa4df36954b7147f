/** The admin form of a test's `request` (Node and workerd tiers alike: nothing here needs Node). */
export function adminVia(
  request: (path: string, init?: RequestInit) => Promise<Response>,
  adminToken: string,
): (method: string, path: string, body?: unknown) => Promise<Response> {
  return (method, path, body) =>
    request(path, {
      method,
      headers: {
        Authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}
