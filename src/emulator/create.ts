/**
 * POST .../rigging and .../animations, for both API versions: one validation
 * (strict under v2), one set of limits and credits per account, one store. v1
 * answers 202 `{"result": id}`, v2 202 with the whole task object (docs/meshy-api.md
 * §2: CONFIRMED for other task types, INFERRED for these two).
 */
import { readJsonBody, BodyError } from "./body.js";
import { answer, type Handler, type RequestContext } from "./context.js";
import { ApiError } from "./errors.js";
import { V2_INFERRED } from "./inferred.js";
import { findAction } from "./library.js";
import type { ClipSource, TaskRecord, TaskState } from "./state.js";
import { v2TaskJson } from "./task-json.js";
import { matchesInput, parseAnimationRequest, parseRigRequest } from "./validate.js";
import { CREDITS, V1_TASK_TYPE, type ApiVersion } from "./wire.js";

async function readBody(c: RequestContext) {
  try {
    return await readJsonBody(c.req, c.parts.options.maxBodyBytes);
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    if (err.status === 413) throw new ApiError("request_too_large", err.message, { Connection: "close" });
    throw new ApiError("invalid_request_body", err.message);
  }
}

/**
 * The account's in-flight limits, checked before anything is created (a 429 creates
 * nothing, so a retry cannot pay twice). v1 names the kind in `message`, v2 in `code`.
 */
function checkLimits(c: RequestContext): void {
  const { total, pending } = c.parts.store.inFlight(c.account);
  const { queueLimit, unlimitedPlanTaskLimit } = c.parts.options;
  if (unlimitedPlanTaskLimit !== undefined && total >= unlimitedPlanTaskLimit) {
    c.parts.faults.count("queue-full");
    throw new ApiError(
      "concurrent_task_limit_reached",
      `NoMoreConcurrentTasks: ${unlimitedPlanTaskLimit} tasks are already running without credits on this plan; wait for one to finish or top up credits`,
    );
  }
  if (total < queueLimit) return;
  c.parts.faults.count("queue-full");
  const v1Kind = pending > 0 ? "NoMorePendingTasks" : "NoMoreConcurrentTasks";
  throw new ApiError(
    "pending_task_limit_reached",
    `${v1Kind}: the account already has ${queueLimit} unfinished tasks; wait until one finishes`,
  );
}

/** 402 when the account's balance cannot pay. Tasks bound to fail are refunded by the service, so never charged. */
function charge(c: RequestContext, credits: number, willFail: boolean): void {
  if (willFail || c.parts.store.charge(c.account, credits)) return;
  throw new ApiError("insufficient_credits", "Insufficient credits: your balance cannot cover this task");
}

/**
 * v2 answers with the task as queued, PENDING with nothing but created_at set, as
 * the docs' examples show, even when the emulator starts (or, at speed instant,
 * finishes) it at once.
 */
function created(c: RequestContext, version: ApiVersion, task: TaskRecord): void {
  let body: unknown = { result: task.id };
  if (version === 2) {
    const now = c.parts.store.state(task);
    const queued: TaskState = {
      status: "PENDING",
      progress: 0,
      precedingTasks: now.status === "PENDING" ? now.precedingTasks : 0,
      expiresAt: 0,
    };
    body = v2TaskJson(c.parts, task, false, queued);
  }
  answer(c, 202, body, c.parts.faults.roll(c.parts.faults.current.lostPost));
}

/** An id of one of the account's own tasks, given where another type of task is wanted. */
function refuseOwnTask(c: RequestContext, field: string, id: string, wanted: string): void {
  const task = c.parts.store.get(id, c.account);
  if (task) throw new ApiError("input_task_unsupported", `${field} ${id} is a ${V1_TASK_TYPE[task.kind]} task; it takes ${wanted}`);
}

export function createRig(version: ApiVersion): Handler {
  return async (c) => {
    const request = await parseRigRequest(await readBody(c), version);
    if (request.source.kind === "task")
      refuseOwnTask(c, "input_task_id", request.source.taskId, "a Text to 3D, Image to 3D, Remesh or Retexture task");
    const { failInputs, rejectInputs } = c.parts.faults.current;
    if (matchesInput(rejectInputs, request.source)) {
      throw new ApiError(
        "pose_estimation_failed",
        "Pose estimation failed: the model does not look like a textured humanoid biped with clear limbs",
      );
    }
    checkLimits(c);
    const fail = matchesInput(failInputs, request.source);
    charge(c, CREDITS.rig, fail);
    const task = c.parts.store.create(c.account, "rig", {
      outcome: fail ? "FAILED" : "SUCCEEDED",
      failMessage: fail ? "Rigging failed: could not fit a humanoid skeleton to the model" : undefined,
      credits: CREDITS.rig,
      input: request.input,
      rig: { heightMeters: request.heightMeters, animationType: request.animationType },
    });
    c.parts.stats.taskCreated("rig", request.digest);
    created(c, version, task);
  };
}

/** The clips the request names: library actions, or the text-to-motion stand-in. */
function clipsOf(c: RequestContext, actionIds: readonly number[], motionTaskId: string | undefined): ClipSource[] {
  if (motionTaskId !== undefined) {
    // Any other id stands for a SUCCEEDED text-to-motion task: the emulator has none to check.
    refuseOwnTask(c, "motion_task_id", motionTaskId, "a Text to Motion task");
    return [V2_INFERRED.motionClip];
  }
  return actionIds.map((id) => {
    const action = findAction(id);
    if (!action) throw new ApiError("action_not_found", `Invalid action_id: ${id} is not in the animation library`);
    return action;
  });
}

export function createAnimation(version: ApiVersion): Handler {
  return async (c) => {
    const request = parseAnimationRequest(await readBody(c), version);
    const rig = c.parts.store.get(request.rigTaskId, c.account);
    if (!rig) throw new ApiError("task_not_found", `Task not found: rig_task_id ${request.rigTaskId}`);
    if (rig.kind !== "rig")
      throw new ApiError("input_task_unsupported", `rig_task_id ${rig.id} is a ${V1_TASK_TYPE[rig.kind]} task, not a rigging task`);
    const rigStatus = c.parts.store.state(rig).status;
    if (rigStatus !== "SUCCEEDED") {
      throw new ApiError("input_task_not_ready", `Invalid rig_task_id: the rigging task is ${rigStatus}, not SUCCEEDED`);
    }
    const clips = clipsOf(c, request.actionIds, request.motionTaskId);
    const rigType = rig.rig?.animationType ?? "biped";
    if (rigType !== V2_INFERRED.libraryRigType) {
      throw new ApiError(
        "rig_type_mismatch",
        `The rig is ${rigType}; ${request.motionTaskId ? "text-to-motion clips fit" : "these animations are for"} biped rigs only`,
      );
    }
    checkLimits(c);
    const fail = c.parts.faults.current.failInputs.includes(request.rigTaskId);
    // Charged per animation in the task (docs/meshy-api.md §6.1).
    const credits = CREDITS.animation * clips.length;
    charge(c, credits, fail);
    const task = c.parts.store.create(c.account, "animation", {
      outcome: fail ? "FAILED" : "SUCCEEDED",
      failMessage: fail ? "Animation failed: could not retarget the action onto this rig" : undefined,
      credits,
      input: request.input,
      animation: {
        rigTaskId: rig.id,
        rigHeightMeters: rig.rig!.heightMeters,
        action: clips[0]!,
        ...(clips.length > 1 ? { clips } : {}),
        postProcess: request.postProcess,
      },
    });
    c.parts.stats.taskCreated("animation", request.digest);
    created(c, version, task);
  };
}
