import { useCallback, useEffect, useRef, useState } from "react";

export type LocalMediaState =
  | { kind: "starting" }
  | { kind: "ready"; stream: MediaStream }
  /** No camera and microphone: refused, missing, or a browser without getUserMedia. We still receive. */
  | { kind: "unavailable"; reason: string };

export interface LocalMedia {
  state: LocalMediaState;
  cameras: MediaDeviceInfo[];
  cameraId: string | null;
  micOn: boolean;
  cameraOn: boolean;
  // Callbacks, not methods: the panel hands them to onClick unbound.
  chooseCamera: (deviceId: string) => void;
  toggleMic: () => void;
  toggleCamera: () => void;
}

const VIDEO = { width: { ideal: 1280 }, height: { ideal: 720 } };

/**
 * This tab's camera and microphone. The camera can be switched (the technician's second camera on
 * the bench): a new stream with the same microphone and the new camera's track. Muting disables a track,
 * so the connection and its negotiation stay as they are.
 */
export function useLocalMedia(): LocalMedia {
  const [state, setState] = useState<LocalMediaState>({ kind: "starting" });
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState<string | null>(null);
  const [micOn, setMicOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  const streamRef = useRef<MediaStream | null>(null);

  useEffect(() => {
    let cancelled = false;
    const devices = navigator.mediaDevices as MediaDevices | undefined;
    if (!devices?.getUserMedia) {
      setState({ kind: "unavailable", reason: "no getUserMedia (an insecure http:// page?)" });
      return;
    }
    const listCameras = () => void devices.enumerateDevices().then((all) => !cancelled && setCameras(all.filter((d) => d.kind === "videoinput")));
    void devices
      .getUserMedia({ audio: true, video: VIDEO })
      .catch(() => devices.getUserMedia({ audio: false, video: VIDEO }))
      .catch(() => devices.getUserMedia({ audio: true, video: false }))
      .then(
        (stream) => {
          if (cancelled) return stream.getTracks().forEach((t) => t.stop());
          streamRef.current = stream;
          setCameraId(stream.getVideoTracks()[0]?.getSettings().deviceId ?? null);
          setState({ kind: "ready", stream });
          listCameras();
        },
        (err: unknown) => !cancelled && setState({ kind: "unavailable", reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
      );
    devices.addEventListener("devicechange", listCameras);
    return () => {
      cancelled = true;
      devices.removeEventListener("devicechange", listCameras);
      streamRef.current?.getTracks().forEach((t) => t.stop());
      streamRef.current = null;
    };
  }, []);

  const chooseCamera = useCallback(
    (deviceId: string) => {
      const stream = streamRef.current;
      if (!stream) return;
      void navigator.mediaDevices.getUserMedia({ video: { ...VIDEO, deviceId: { exact: deviceId } } }).then(
        (fresh) => {
          const track = fresh.getVideoTracks()[0];
          if (!track) return;
          for (const old of stream.getVideoTracks()) old.stop();
          track.enabled = cameraOn;
          // A new stream object: the preview and the mesh see the change, and the mesh hands the new
          // track to every peer connection (replaceTrack, no renegotiation).
          const next = new MediaStream([...stream.getAudioTracks(), track]);
          streamRef.current = next;
          setCameraId(deviceId);
          setState({ kind: "ready", stream: next });
        },
        (err: unknown) => console.warn(`telecal: camera ${deviceId}: ${String(err)}`),
      );
    },
    [cameraOn],
  );

  const toggleMic = useCallback(() => {
    setMicOn((on) => {
      for (const t of streamRef.current?.getAudioTracks() ?? []) t.enabled = !on;
      return !on;
    });
  }, []);

  const toggleCamera = useCallback(() => {
    setCameraOn((on) => {
      for (const t of streamRef.current?.getVideoTracks() ?? []) t.enabled = !on;
      return !on;
    });
  }, []);

  return { state, cameras, cameraId, micOn, cameraOn, chooseCamera, toggleMic, toggleCamera };
}
