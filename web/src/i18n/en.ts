import type { Messages } from "./zh-CN";

export const en: Messages = {
  app: {
    name: "Remote Calibration Platform",
    brand: "telecal",
    title: "telecal · Remote Calibration Platform",
  },
  lang: {
    switchTo: "中文",
    switchLabel: "Switch language",
  },
  connection: {
    connecting: "Connecting…",
    connected: "Connected",
    disconnected: "Disconnected, retrying…",
  },
  signIn: {
    heading: "Sign in",
    username: "Username",
    password: "Password",
    submit: "Sign in",
    signOut: "Sign out",
    badPassword: "Wrong username or password",
    rateLimited: "Too many sign-in attempts; please wait a minute",
    failed: "Sign-in failed ({{code}})",
  },
  role: {
    admin: "Administrator",
    expert: "Expert",
    technician: "Technician",
    trainer: "Trainer",
    trainee: "Trainee",
  },
  live: {
    heading: "Live readings",
    empty: "Waiting for a lab agent to come online…",
    emptyHint: "Once a lab agent connects to the server, the live readings of its instruments appear here.",
    noStreams: "This instrument has no streams",
  },
  agent: {
    online: "Online",
    offline: "Offline",
    clock: "Clock offset {{offset}} ± {{uncertainty}}",
  },
  instrument: {
    role: {
      reference: "Reference standard",
      uut: "Unit under test",
    },
    serial: "S/N {{serial}}",
    id: "ID {{id}}",
  },
  status: {
    stable: "Stable",
    unstable: "Unstable",
    overload: "Overload",
    manual: "Manual entry",
    waiting: "Waiting for data",
  },
  value: {
    none: "—",
    overload: "OL",
  },
  age: {
    seconds: "{{count}} s ago",
  },
  chart: {
    label: "Recent readings of {{quantity}}",
  },
};
