import { LivePage } from "./features/live/LivePage";
import { LiveStoreContext } from "./realtime/context";
import { useRealtime } from "./realtime/useRealtime";
import { Header } from "./shell/Header";

export function App() {
  const store = useRealtime();
  return (
    <LiveStoreContext value={store}>
      <Header />
      <main className="app-main">
        <LivePage />
      </main>
    </LiveStoreContext>
  );
}
