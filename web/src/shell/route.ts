import { useEffect, useState } from "react";

/** The pages of the app, addressed by the URL's hash so that a link or a reload lands on the same one. */
export type Route = { page: "dashboard" } | { page: "live" } | { page: "job"; id: string } | { page: "media"; room: string };

export function parseRoute(hash: string): Route {
  const job = /^#\/jobs\/([^/]+)$/.exec(hash);
  if (job) return { page: "job", id: decodeURIComponent(job[1]!) };
  const media = /^#\/media\/([^/]+)$/.exec(hash);
  if (media) return { page: "media", room: decodeURIComponent(media[1]!) };
  if (hash === "#/live") return { page: "live" };
  return { page: "dashboard" };
}

export function hrefOf(route: Route): string {
  if (route.page === "media") return `#/media/${encodeURIComponent(route.room)}`;
  return route.page === "job" ? `#/jobs/${encodeURIComponent(route.id)}` : route.page === "live" ? "#/live" : "#/";
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
