import type Sigma from 'sigma';

/**
 * Panning by moving the drawn picture. While the left button drags the stage, the
 * drawing's layers are moved with a CSS transform, which the browser composes without
 * drawing the graph again; the camera takes the move, and sigma draws once, when the
 * hand rests for `SETTLE_MS` or lets go. Sigma's own panning draws every node on every
 * mouse move; on a machine without a GPU (WebGL in software) that held a 5,000-node
 * ring to about 15 frames/s. What is off the picture while it moves is blank until it
 * is drawn again.
 *
 * Its listeners are on the capture phase, so they run before sigma's own: sigma never
 * sees a drag (so it neither pans nor looks up the node under the mouse on each move),
 * and a click after a drag is not a click on the stage. A press and release without a
 * move reach sigma as before, so clicking a node still picks it.
 */

/** Moves shorter than this (px) are a click, not a drag. */
const DRAG_FROM_PX = 3;
/** The hand resting this long (ms) mid-drag draws the graph where it is. */
const SETTLE_MS = 120;

export interface Pan {
  /** Binds the camera once the renderer exists. */
  attach(renderer: Sigma): void;
  kill(): void;
}

export function panByImage(container: HTMLElement): Pan {
  let renderer: Sigma | null = null;
  /** The press: where it started, and how far the picture is moved now. */
  let press: { x: number; y: number; dx: number; dy: number; dragging: boolean } | null = null;
  let settle: ReturnType<typeof setTimeout> | undefined;
  let swallowClick = false;

  const layers = () => container.querySelectorAll<HTMLElement>('canvas');
  const moveLayers = (dx: number, dy: number) => {
    const transform = dx === 0 && dy === 0 ? '' : `translate(${dx}px, ${dy}px)`;
    for (const layer of layers()) layer.style.transform = transform;
  };

  /** The camera takes the picture's move; the layers go back once sigma has drawn there. */
  const commit = () => {
    clearTimeout(settle);
    if (press === null || renderer === null || (press.dx === 0 && press.dy === 0)) return;
    const { dx, dy } = press;
    const camera = renderer.getCamera();
    const from = renderer.viewportToFramedGraph({ x: 0, y: 0 });
    const to = renderer.viewportToFramedGraph({ x: dx, y: dy });
    const state = camera.getState();
    renderer.once('afterRender', () => moveLayers(press?.dx ?? 0, press?.dy ?? 0));
    press.x += dx;
    press.y += dy;
    press.dx = 0;
    press.dy = 0;
    camera.setState({ x: state.x + from.x - to.x, y: state.y + from.y - to.y });
  };

  const down = (e: MouseEvent) => {
    if (e.button !== 0 || renderer === null) return;
    press = { x: e.clientX, y: e.clientY, dx: 0, dy: 0, dragging: false };
    // Sigma keeps the press to itself otherwise, and pans on it.
    e.stopPropagation();
  };
  const up = (e: MouseEvent) => {
    if (press === null) return;
    const dragged = press.dragging;
    if (dragged) {
      commit();
      e.stopPropagation();
    }
    press = null;
    swallowClick = dragged;
  };
  const move = (e: MouseEvent) => {
    if (press === null) return;
    // The button was let go where no mouseup reached this page (another window).
    if ((e.buttons & 1) === 0) {
      up(e);
      return;
    }
    const dx = e.clientX - press.x;
    const dy = e.clientY - press.y;
    if (!press.dragging && Math.hypot(dx, dy) < DRAG_FROM_PX) return;
    press.dragging = true;
    press.dx = dx;
    press.dy = dy;
    moveLayers(dx, dy);
    clearTimeout(settle);
    settle = setTimeout(commit, SETTLE_MS);
    e.stopPropagation();
    e.preventDefault();
  };
  const click = (e: MouseEvent) => {
    if (!swallowClick) return;
    swallowClick = false;
    e.stopPropagation();
  };

  container.addEventListener('mousedown', down, { capture: true });
  container.addEventListener('click', click, { capture: true });
  document.addEventListener('mousemove', move, { capture: true });
  document.addEventListener('mouseup', up, { capture: true });
  return {
    attach(r) {
      renderer = r;
    },
    kill() {
      clearTimeout(settle);
      container.removeEventListener('mousedown', down, { capture: true });
      container.removeEventListener('click', click, { capture: true });
      document.removeEventListener('mousemove', move, { capture: true });
      document.removeEventListener('mouseup', up, { capture: true });
    },
  };
}
