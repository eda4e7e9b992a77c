import type { zhCNJobs } from "./zh-CN-jobs";

/** English strings of the job list and of editing and cancelling a job, checked against the Chinese at compile time. */
export const enJobs: typeof zhCNJobs = {
  newJob: { heading: "New job", procedure: "Procedure", agent: "Lab agent", technician: "Technician (username)", expert: "Supervising expert (username)", submit: "Create job", noneFits: "No registered instrument fits this (kind, quantity, range or driver)", notRegistered: "(not registered: read by eye)" },
  jobList: { procedure: "Procedure", item: "Item", serial: "Serial", technician: "Technician", created: "Created", state: "State" },
  jobChanges: {
    heading: "Edit or cancel the job",
    edit: "Change instruments and people",
    started: "The job has begun and can no longer be edited; cancel it and create another to change it.",
    editReason: "Why (optional)",
    save: "Save changes",
    reason: "Reason for cancelling",
    cancel: "Cancel job",
    cancelledBy: "Cancelled by {{name}} on {{when}}: {{reason}}",
  },
  // Words of the drivers in step titles (step-title.ts): properties, measurements, set values.
  driverWords: {
    property: { output: "output", operate: "operating state", resistance: "resistance output", setpoint: "pressure set point", control: "pressure control", bath: "bath set point", load: "load", temperature: "temperature set point" },
    measurement: { dcv: "DC voltage", res2w: "2-wire resistance", pressure: "pressure", temperature: "temperature", weight: "weight reading" },
    word: { OPER: "operate", STBY: "standby", ON: "on", OFF: "off" },
  },
};
