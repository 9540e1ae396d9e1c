/** `--replace`, shared by `plan` and `build`: re-make units on purpose, the way terraform's `-replace` does. */
import { Option } from "commander";

export function replaceOption(): Option {
  return new Option(
    "--replace <unit>",
    "re-make this character (its rig and so all its clips) or unit (knight/rig, knight/animations/attack) even if up to date; paid, shown in the plan (repeatable)",
  ).argParser((value: string, previous: string[] = []) => [...previous, value]);
}
