import { useEffect, useState } from "react";

/** The pages of the app, addressed by the URL's hash so that a link or a reload lands on the same one. */
export type Route =
  | { page: "dashboard" }
  | { page: "live" }
  | { page: "job"; id: string }
  | { page: "courses" }
  | { page: "certificates" }
  | { page: "course"; id: string }
  | { page: "lesson"; courseId: string; lessonId: string }
  | { page: "media"; room: string };

export function parseRoute(hash: string): Route {
  const job = /^#\/jobs\/([^/]+)$/.exec(hash);
  if (job) return { page: "job", id: decodeURIComponent(job[1]!) };
  const media = /^#\/media\/([^/]+)$/.exec(hash);
  if (media) return { page: "media", room: decodeURIComponent(media[1]!) };
  if (hash === "#/live") return { page: "live" };
  const lesson = /^#\/courses\/([^/]+)\/lessons\/([^/]+)$/.exec(hash);
  if (lesson) return { page: "lesson", courseId: decodeURIComponent(lesson[1]!), lessonId: decodeURIComponent(lesson[2]!) };
  const course = /^#\/courses\/([^/]+)$/.exec(hash);
  if (course) return { page: "course", id: decodeURIComponent(course[1]!) };
  if (hash === "#/courses") return { page: "courses" };
  if (hash === "#/certificates") return { page: "certificates" };
  return { page: "dashboard" };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case "job":
      return `#/jobs/${encodeURIComponent(route.id)}`;
    case "live":
      return "#/live";
    case "courses":
      return "#/courses";
    case "certificates":
      return "#/certificates";
    case "course":
      return `#/courses/${encodeURIComponent(route.id)}`;
    case "lesson":
      return `#/courses/${encodeURIComponent(route.courseId)}/lessons/${encodeURIComponent(route.lessonId)}`;
    case "media":
      return `#/media/${encodeURIComponent(route.room)}`;
    case "dashboard":
      return "#/";
  }
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
