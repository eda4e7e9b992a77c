import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const SERVER = "http://localhost:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    rollupOptions: {
      // janus.es.js wraps a UMD factory whose `module` branch a browser never takes: not worth a warning.
      onwarn(warning, warn) {
        if (warning.code === "COMMONJS_VARIABLE_IN_ESM" && (warning.id ?? "").includes("janus-gateway")) return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      "/socket.io": { target: SERVER, ws: true },
      "/api": { target: SERVER },
    },
  },
});
