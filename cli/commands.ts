import type { Command } from "commander";
import type { CliIo } from "./run-cli";

/** A command as the top-level help lists it; its module (options, action, heavy imports) loads only when it runs. */
export interface CommandEntry {
  name: string;
  description: string;
  load: () => Promise<(program: Command, io: CliIo) => void>;
}

// Dynamic imports, so that `telecal --help` loads none of fastify, socket.io, pdfkit, mathjs or kysely.
export const COMMANDS: readonly CommandEntry[] = [
  { name: "start", description: "server, web app and a demo lab in one process / 一键启动演示平台", load: async () => (await import("./commands/start")).startCommand },
  { name: "server", description: "run the central server / 运行中心服务器", load: async () => (await import("./commands/server")).serverCommand },
  { name: "agent", description: "run the lab agent beside the bench / 运行实验室代理", load: async () => (await import("./commands/agent")).agentCommand },
  { name: "sim", description: "run a simulated instrument / 运行仪器模拟器", load: async () => (await import("./commands/sim")).simCommand },
  { name: "verify", description: "recompute the record log's hash chains and signed checkpoints / 校验记录日志", load: async () => (await import("./commands/verify")).verifyCommand },
  { name: "user", description: "manage users / 用户管理", load: async () => (await import("./commands/user")).userCommand },
  { name: "export", description: "write a stream's stored readings as CSV or JSON / 导出测量数据", load: async () => (await import("./commands/export")).exportCommand },
  { name: "calibrate", description: "run a calibration procedure / 执行校准（检定）规程", load: async () => (await import("./commands/calibrate")).calibrateCommand },
  { name: "budget", description: "evaluate an uncertainty budget (GUM law of propagation, Monte Carlo) / 测量不确定度评定", load: async () => (await import("./commands/budget")).budgetCommand },
  { name: "fit", description: "least-squares straight line with uncertainties (GUM H.3) / 最小二乘直线拟合", load: async () => (await import("./commands/fit")).fitCommand },
  { name: "cert", description: "certificates: verify a PDF or DCC / 证书核验", load: async () => (await import("./commands/cert")).certCommand },
];
