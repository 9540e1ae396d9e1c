/**
 * The page's script, a plain browser ES module kept as a string: tsc emits only
 * .ts to dist/, so the page ships inside the compiled module. String.raw keeps
 * its escapes as written; it must contain no backtick and no dollar-brace.
 * test/preview/static.test.ts syntax-checks it with `node --check`.
 */
export const APP_JS = String.raw`
// rigup preview page. Plain ES module; three.js comes from the import map (no CDN).
// Names, reasons and error messages come from files and the API: they only ever go
// through textContent, never innerHTML.
import * as THREE from "three";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { MeshoptDecoder } from "three/addons/libs/meshopt_decoder.module.js";

const VIEW_W = 320;
const VIEW_H = 320;
const DPR = Math.min(window.devicePixelRatio || 1, 2);

// playing: the clip each character plays, by character name; sources: "merged" (one file
// holding every clip) or "files" (the rig and one file per clip), by character name.
const hooks = { ready: false, characters: [], clips: {}, playing: {}, sources: {}, errors: [], play, pose };
window.__rigupPreview = hooks;

// One WebGL context for the whole page (browsers cap them near 16): each card's
// 2D canvas receives a copy of the shared renderer's frame.
const renderer = new THREE.WebGLRenderer({ antialias: true });
renderer.setPixelRatio(DPR);
renderer.setSize(VIEW_W, VIEW_H, false);
// Merged files may be meshopt-compressed (src/merge/).
const loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder);
const gltfCache = new Map();
const cards = new Map();

function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children || []) node.append(child);
  return node;
}

function badge(item, testid) {
  // Outputs of the built-in emulator are placeholders: say so beside the status.
  const text = item.madeBy === "emulator" ? item.status + " \u00b7 emulator placeholder" : item.status;
  return el("span", { class: "badge status-" + item.status, "data-testid": testid, title: item.reasons.join("\n"), text });
}

function reasonsList(item) {
  return el("ul", { class: "reasons" }, item.reasons.map((r) => el("li", { text: r })));
}

function statsText(stats) {
  if (!stats) return "";
  return stats.durationSec.toFixed(2) + " s \u00b7 " + stats.fps + " fps \u00b7 " + stats.joints + " joints";
}

/** Page-relative URL of an output file (same encoding as fileUrl() in src/preview/index.ts). */
function fileUrl(path) {
  return "files/" + path.split("/").map(encodeURIComponent).join("/");
}

function loadGltf(url) {
  if (!gltfCache.has(url)) gltfCache.set(url, loader.loadAsync(url));
  return gltfCache.get(url);
}

function makeCard(character) {
  const canvas = el("canvas", { class: "view", "data-testid": "view-" + character.name, width: String(VIEW_W * DPR), height: String(VIEW_H * DPR) });
  const message = el("p", { class: "message", "data-testid": "message-" + character.name });
  const list = el("ul", { class: "clips", "data-testid": "clips-" + character.name });
  const rig = character.rig;
  const header = el("header", {}, [
    el("h2", { text: character.name }),
    el("span", { class: "stats", "data-testid": "rig-stats-" + character.name, text: rig.stats ? rig.stats.joints + " joints" : "" }),
    badge(rig, "rig-status-" + character.name),
    ...(character.merged ? [el("span", { class: "stats", "data-testid": "merged-" + character.name, title: "every clip in one file", text: character.merged })] : []),
  ]);
  const root = el("article", { class: "card", "data-testid": "card-" + character.name, "data-character": character.name }, [
    header,
    reasonsList(rig),
    el("div", { class: "stage" }, [canvas, message]),
    list,
  ]);

  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x20242b);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x445566, 2.2));
  const sun = new THREE.DirectionalLight(0xffffff, 2);
  sun.position.set(2, 4, 3);
  scene.add(sun);
  scene.add(new THREE.GridHelper(4, 8, 0x556070, 0x3a414c));
  const camera = new THREE.PerspectiveCamera(35, VIEW_W / VIEW_H, 0.01, 100);
  camera.position.set(1.5, 1.4, 4);
  const controls = new OrbitControls(camera, canvas);
  // animations: the merged file's clips by name; null when clips come one file each.
  const card = { character, root, canvas, ctx: canvas.getContext("2d"), message, list, scene, camera, controls, model: null, mixer: null, action: null, animations: null, buttons: new Map(), dirty: true, visible: false };
  controls.addEventListener("change", () => { card.dirty = true; });

  // A merged file lists its own animations once loaded (showMerged).
  if (!character.merged) listFileClips(card);
  return card;
}

/** One entry of the clip list: a play button, stats, and the status of the file it came from (when known). */
function addClip(card, name, text, stats, item) {
  const character = card.character.name;
  const button = el("button", { type: "button", class: "play", "data-testid": "play-" + character + "-" + name, "aria-pressed": "false" }, [
    el("span", { class: "name", text }),
    el("span", { class: "stats", "data-testid": "clip-stats-" + character + "-" + name, text: stats }),
    ...(item ? [badge(item, "clip-status-" + character + "-" + name)] : []),
  ]);
  button.addEventListener("click", () => play(character, name).catch(() => {}));
  card.buttons.set(name, button);
  const entry = el("li", { class: "clip", "data-testid": "clip-" + character + "-" + name, "data-clip": name }, item ? [button, reasonsList(item)] : [button]);
  if (item) entry.dataset.status = item.status;
  card.list.append(entry);
  return button;
}

function listFileClips(card) {
  for (const clip of card.character.clips) {
    const button = addClip(card, clip.name, clip.label ? clip.name + " · " + clip.label : clip.name, statsText(clip.stats), clip);
    if (!clip.url) button.disabled = true;
  }
  hooks.clips[card.character.name] = card.character.clips.map((c) => c.name);
  hooks.sources[card.character.name] = "files";
}

function setModel(card, object) {
  if (card.model) card.scene.remove(card.model);
  card.model = object;
  card.mixer = new THREE.AnimationMixer(object);
  card.action = null;
  card.scene.add(object);
  // Frame the character: bind-pose bounds, seen from the front-right.
  const box = new THREE.Box3().setFromObject(object);
  const size = box.getSize(new THREE.Vector3());
  const center = box.getCenter(new THREE.Vector3());
  const reach = Math.max(size.x, size.y, size.z) || 1;
  card.camera.position.set(center.x + reach * 0.8, center.y + reach * 0.2, center.z + reach * 2.2);
  card.controls.target.copy(center);
  card.controls.update();
  card.dirty = true;
}

function fail(card, text) {
  card.message.textContent = text;
  hooks.errors.push(card.character.name + ": " + text);
}

async function loadRig(card) {
  const rig = card.character.rig;
  if (!rig.url) {
    card.message.textContent = "No rigged model: " + (rig.reasons[0] || rig.status);
    return;
  }
  try {
    setModel(card, (await loadGltf(rig.url)).scene);
  } catch (error) {
    fail(card, "Cannot load " + rig.path + ": " + error.message);
  }
}

/** The animation of a clip file, loading it (same skeleton, same node names as the rigged model). */
async function fileAnimation(card, clipName) {
  const clip = card.character.clips.find((c) => c.name === clipName);
  if (!clip) throw new Error("no clip " + card.character.name + "/" + clipName);
  if (!clip.url) throw new Error(clip.path + " is not on disk");
  let gltf;
  try {
    gltf = await loadGltf(clip.url);
  } catch (error) {
    fail(card, "Cannot load " + clip.path + ": " + error.message);
    throw error;
  }
  const animation = gltf.animations[0];
  if (!animation) {
    fail(card, clip.path + " has no animation");
    throw new Error(clip.path + " has no animation");
  }
  // Without a rigged model, show the clip's own character.
  if (!card.model) {
    setModel(card, gltf.scene);
    card.message.textContent = "";
  }
  return animation;
}

/** Plays a clip on the character's model: one of the merged file's animations, or a clip file's. */
async function play(characterName, clipName) {
  const card = cards.get(characterName);
  if (!card) throw new Error("no character " + characterName);
  const animation = card.animations ? card.animations.get(clipName) : await fileAnimation(card, clipName);
  if (!animation) throw new Error("no clip " + characterName + "/" + clipName);
  card.mixer.stopAllAction();
  card.action = card.mixer.clipAction(animation);
  card.action.reset().play();
  for (const [name, button] of card.buttons) button.setAttribute("aria-pressed", String(name === clipName));
  hooks.playing[characterName] = clipName;
}

/** What a character plays on load, instead of standing in its bind pose: the first clip on disk, up to date if one is. */
function firstClip(character) {
  const onDisk = character.clips.filter((c) => c.url);
  return onDisk.find((c) => c.status === "ok") || onDisk[0];
}

/** Test hook: the playing clip's name and a joint's world position at time seconds into it (the pose a frame at that time shows). */
function pose(characterName, jointName, time) {
  const card = cards.get(characterName);
  if (!card || !card.action) throw new Error(characterName + " plays nothing");
  const joint = card.model.getObjectByName(jointName);
  if (!joint) throw new Error(characterName + " has no joint " + jointName);
  card.action.time = time;
  card.mixer.update(0);
  card.model.updateMatrixWorld(true);
  card.dirty = true;
  return { clip: card.action.getClip().name, position: joint.getWorldPosition(new THREE.Vector3()).toArray() };
}

/** One load for the whole character: its mesh and every clip, listed by the names the file gives them. */
async function showMerged(card) {
  const character = card.character;
  let gltf;
  try {
    gltf = await loadGltf(fileUrl(character.merged));
  } catch (error) {
    fail(card, "Cannot load " + character.merged + ": " + error.message);
    return false;
  }
  setModel(card, gltf.scene);
  card.animations = new Map(gltf.animations.map((a) => [a.name, a]));
  for (const animation of gltf.animations) {
    // The file a clip came from, for its status: an action keeps its name, the rig's clips are rig/<name>.
    const item = character.clips.find((c) => c.name === animation.name || c.name === "rig/" + animation.name);
    addClip(card, animation.name, animation.name, animation.duration.toFixed(2) + " s", item);
  }
  hooks.clips[character.name] = gltf.animations.map((a) => a.name);
  hooks.sources[character.name] = "merged";
  if (gltf.animations[0]) await play(character.name, gltf.animations[0].name);
  return true;
}

async function show(card) {
  // A merged file that cannot load says why (fail()); the separate files may still show the character.
  if (card.character.merged) {
    if (await showMerged(card)) return;
    listFileClips(card);
  }
  await loadRig(card);
  const clip = firstClip(card.character);
  // A clip that cannot load already says why on the card (fail()).
  if (clip) await play(card.character.name, clip.name).catch(() => {});
}

function watchVisibility() {
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const card = cards.get(entry.target.closest(".card").dataset.character);
      card.visible = entry.isIntersecting;
      card.dirty = true;
    }
  });
  for (const card of cards.values()) observer.observe(card.canvas);
}

let last = performance.now();
function frame(now) {
  const dt = Math.min((now - last) / 1000, 0.1);
  last = now;
  for (const card of cards.values()) {
    if (card.action) {
      card.mixer.update(dt);
      card.dirty = true;
    }
    if (card.dirty && card.visible) {
      renderer.render(card.scene, card.camera);
      card.ctx.drawImage(renderer.domElement, 0, 0);
      card.dirty = false;
    }
  }
  requestAnimationFrame(frame);
}

async function main() {
  const summary = document.querySelector("[data-testid=summary]");
  const response = await fetch("./preview.json");
  if (!response.ok) throw new Error("preview.json: HTTP " + response.status + ": " + (await response.text()).trim());
  const model = await response.json();
  const grid = document.querySelector("[data-testid=grid]");
  for (const character of model.characters) {
    const card = makeCard(character);
    cards.set(character.name, card);
    grid.append(card.root);
  }
  hooks.characters = model.characters.map((c) => c.name);
  const clipCount = model.characters.reduce((n, c) => n + c.clips.length, 0);
  const notOk = model.characters.flatMap((c) => [c.rig, ...c.clips]).filter((i) => i.status !== "ok").length;
  summary.textContent = model.characters.length + " characters, " + clipCount + " clips" + (notOk ? ", " + notOk + " not up to date" : "");
  watchVisibility();
  requestAnimationFrame(frame);
  await Promise.all([...cards.values()].map(show));
  hooks.ready = true;
}

// From disk the page's inline script explains how to serve it; there is nothing to load.
if (location.protocol !== "file:") {
  main().catch((error) => {
    hooks.errors.push(error.message);
    document.querySelector("[data-testid=summary]").textContent = "Error: " + error.message;
  });
}
`;
