// The confidence rule for choosing a company without a person: the top candidate clears a threshold, beats the
// runner-up by a margin, has name evidence, and is registered (a removed or liquidating namesake never wins alone).
import { namePoints } from './score';
import type { ConfidencePolicy, ScoredCandidate } from './types';

export const DEFAULT_CONFIDENCE_POLICY: Readonly<ConfidencePolicy> = Object.freeze({
  threshold: 70,
  margin: 15,
  minNamePoints: 40,
  registeredOnly: true,
});

/** Why the top candidate is or is not the confident choice; `candidate` is set only when it is. */
export interface ConfidenceVerdict {
  candidate: ScoredCandidate | null;
  reason: string;
}

export function explainConfidence(
  scored: readonly ScoredCandidate[],
  policy: Partial<ConfidencePolicy> = {},
): ConfidenceVerdict {
  const rule: ConfidencePolicy = { ...DEFAULT_CONFIDENCE_POLICY, ...policy };
  const ranked = [...scored].sort((a, b) => b.score - a.score);
  const top = ranked[0];
  if (!top) return { candidate: null, reason: 'no candidates' };
  const runnerUp = ranked[1];
  if (top.standing !== 'registered') {
    if (rule.registeredOnly)
      return { candidate: null, reason: `top candidate is not registered (${top.standing})` };
    const fitting = ranked.find((c) => c.standing === 'registered' && namePoints(c) >= rule.minNamePoints);
    if (fitting) {
      return {
        candidate: null,
        reason: `top candidate is ${top.standing} while registered ${fitting.company_name} fits`,
      };
    }
  }
  if (top.score < rule.threshold) {
    return { candidate: null, reason: `top score ${top.score} is below the threshold ${rule.threshold}` };
  }
  if (namePoints(top) < rule.minNamePoints) {
    return {
      candidate: null,
      reason: `top candidate's name evidence (${namePoints(top)}) is below ${rule.minNamePoints}`,
    };
  }
  if (runnerUp && top.score - runnerUp.score < rule.margin) {
    return {
      candidate: null,
      reason: `top score ${top.score} beats the runner-up's ${runnerUp.score} by less than ${rule.margin}`,
    };
  }
  return {
    candidate: top,
    reason: `score ${top.score}${runnerUp ? `, ${top.score - runnerUp.score} ahead of the runner-up` : ''}`,
  };
}

/** The candidate to select without asking a person, or null when a person must choose. */
export function confident(
  scored: readonly ScoredCandidate[],
  policy: Partial<ConfidencePolicy> = {},
): ScoredCandidate | null {
  return explainConfidence(scored, policy).candidate;
}
