import { ANNOTATE_ROLES, type AnnotationShape, type AnnotationTarget } from "@telecal/protocols";
import { type PointerEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSessionSnapshot, useSessionStore } from "./context";

/** The radius of a ring put down with a click, as a share of the target's width. */
const RING_R = 0.06;
/** A press that moves less than this share of the target is a click (a ring), not a line. */
const DRAG_MIN = 0.02;

type Point = [number, number];

const clamp = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Marks on a video or a chart that everyone in the session sees: a click puts a ring, a drag draws
 * a line. Lies over its parent (which is `position: relative`); outside a session it draws nothing.
 */
export function AnnotationLayer({ target }: { target: AnnotationTarget }) {
  const { t } = useTranslation();
  const store = useSessionStore();
  const { state } = useSessionSnapshot();
  const svg = useRef<SVGSVGElement>(null);
  const [drawing, setDrawing] = useState<Point[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!store || !state) return null;
  const marks = state.annotations.filter((a) => a.target === target);
  const mayDraw = ANNOTATE_ROLES.has(state.you.role);
  const box = svg.current?.getBoundingClientRect();
  const aspect = box && box.height > 0 ? box.width / box.height : 16 / 9;
  const at = (e: PointerEvent): Point => {
    const r = e.currentTarget.getBoundingClientRect();
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)];
  };
  const send = async (shape: AnnotationShape) => {
    const reply = await store.annotate(target, shape);
    setError(reply.ok ? null : reply.error.code);
  };
  const finish = () => {
    if (!drawing) return;
    const [first] = drawing;
    const far = drawing.some(([x, y]) => Math.hypot(x - first![0], y - first![1]) > DRAG_MIN);
    const points = drawing.filter((_, i) => i % Math.ceil(drawing.length / 200) === 0);
    void send(far && points.length >= 2 ? { kind: "path", points } : { kind: "ring", x: first![0], y: first![1], r: RING_R });
    setDrawing(null);
  };
  return (
    <div className="annotation-layer" data-testid={`annotations-${target}`} data-count={marks.length}>
      <svg
        ref={svg}
        className={mayDraw ? "annotation-svg may-draw" : "annotation-svg"}
        viewBox="0 0 1 1"
        preserveAspectRatio="none"
        aria-label={mayDraw ? t("annotate.hint") : t("annotate.marks", { n: marks.length })}
        onPointerDown={mayDraw ? (e) => setDrawing([at(e)]) : undefined}
        onPointerMove={drawing ? (e) => setDrawing([...drawing, at(e)]) : undefined}
        onPointerUp={drawing ? finish : undefined}
        onPointerLeave={drawing ? finish : undefined}
      >
        {marks.map((a) => {
          const cls = `annotation annotation-${a.from.role}`;
          return a.shape.kind === "ring" ? (
            <ellipse key={a.id} className={cls} data-testid="annotation" data-from={a.from.username} cx={a.shape.x} cy={a.shape.y} rx={a.shape.r} ry={a.shape.r * aspect} vectorEffect="non-scaling-stroke">
              <title>{a.from.displayName}</title>
            </ellipse>
          ) : (
            <polyline key={a.id} className={cls} data-testid="annotation" data-from={a.from.username} points={a.shape.points.map((p) => p.join(",")).join(" ")} vectorEffect="non-scaling-stroke">
              <title>{a.from.displayName}</title>
            </polyline>
          );
        })}
        {drawing && drawing.length > 1 && <polyline className="annotation annotation-drawing" points={drawing.map((p) => p.join(",")).join(" ")} vectorEffect="non-scaling-stroke" />}
      </svg>
      {mayDraw && marks.length > 0 && (
        <button type="button" className="annotation-clear" data-testid={`annotations-clear-${target}`} onClick={() => void store.clearAnnotations(target)}>
          {t("annotate.clear")}
        </button>
      )}
      {error && <span className="annotation-error error">{t("session.refused", { code: error })}</span>}
    </div>
  );
}
