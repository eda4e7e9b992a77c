import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const SERVER = "http://localhost:8080";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist" },
  server: {
    proxy: {
      "/socket.io": { target: SERVER, ws: true },
      "/api": { target: SERVER },
    },
  },
});
