/** `rigup status`: each character's rig, its expiry, and what is out of date. Offline. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

export function registerStatusCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("status"))
    .description("Show each character's rig task, when it expires, and which clips are up to date or out of date. Offline.")
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ openProject, planProject }, { projectStatus }] = await Promise.all([import("../../app/project.js"), import("../../app/status.js")]);
      const project = await openProject(projectOptions(flags, ctx));
      const now = Date.now();
      const { plan, statCache } = await planProject(project, { now });
      await statCache.save();
      const status = projectStatus(project.resolved, project.lock, plan, now);
      // Offline: the lockfile marks what reached the store; `verify --store` asks the store itself.
      const store = project.settings.store && { url: project.settings.store.url, notStored: (await import("../../lockfile/units.js")).countUnstored(project.lock) };
      if (flags.json) ctx.stdout.write(`${JSON.stringify(store ? { ...status, store } : status, null, 2)}\n`);
      else {
        ctx.stderr.write(await renderStatus(status));
        if (store) {
          ctx.stderr.write(
            store.notStored === 0
              ? `Team store ${store.url}: every recorded output is stored.\n`
              : `Team store ${store.url}: ${store.notStored} recorded outputs are not stored yet; \`rigup push\` uploads them.\n`,
          );
        }
      }
      setExit(EXIT.OK);
    });
}

async function renderStatus(status: import("../../app/status.js").ProjectStatus): Promise<string> {
  const { shortTaskId } = await import("../../app/status.js");
  const out: string[] = [];
  const width = Math.max(0, ...status.characters.map((c) => c.name.length));
  for (const c of status.characters) {
    const rig = c.rigTaskId ? `rig ${shortTaskId(c.rigTaskId)} (API v${c.rigApiVersion})` : "rig -";
    const clips = `clips: ${c.clips.upToDate} up to date, ${c.clips.outOfDate} out of date`;
    const made = c.emulatorUnits.length > 0 ? `  [emulator placeholders: ${c.emulatorUnits.length} units; a real build re-makes them]` : "";
    out.push(`${c.name.padEnd(width)}  ${rig}  ${c.expiry}  ${clips}${made}`);
    for (const ch of c.changes) out.push(`    ${ch.key}: ${ch.action}: ${ch.reasons.join("; ")}`);
  }
  for (const ch of status.removed) out.push(`${ch.key}: ${ch.action}: ${ch.reasons.join("; ")}`);
  if (status.characters.length === 0 && status.removed.length === 0) out.push("No characters in the manifest.");
  return `${out.join("\n")}\n`;
}
