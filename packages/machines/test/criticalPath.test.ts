import { describe, expect, test } from 'vitest';
import { remainingPathSeconds, taskPriority, TYPICAL_TASK_SECONDS } from '../src/criticalPath';

const t = TYPICAL_TASK_SECONDS;

describe('critical-path-first priorities', () => {
  test('the menu chain: menuImport has option sets and item tags (one lock, so one after the other) ahead of it', () => {
    const r = remainingPathSeconds();
    expect(r.menuImport).toBeCloseTo(t.menuImport + t.optionSets + t.itemTags);
    expect(r.optionSets).toBeCloseTo(t.optionSets + t.itemTags);
    expect(r.itemTags).toBeCloseTo(t.itemTags + t.optionSets);
  });

  test('registration leads to the longest of its dependants; the account leads to registration', () => {
    const r = remainingPathSeconds();
    const afterRegistration = Math.max(r.menuImport, t.websiteConfig, t.servicesConfig, t.paymentConfig, t.syncOnboardingUser);
    expect(r.restaurantRegistration).toBeCloseTo(t.restaurantRegistration + afterRegistration);
    expect(r.cloudwaitressAccount).toBeCloseTo(t.cloudwaitressAccount + r.restaurantRegistration);
    expect(r.uploadImages).toBeCloseTo(t.uploadImages + r.menuImport);
    expect(r['extraction.run']).toBeCloseTo(t['extraction.run'] + t['registry.searchByName'] + t['company.details'] + Math.max(r.cloudwaitressAccount, r.codeGeneration, r.createOnboardingUser, r.uploadImages));
  });

  test('durations given by the caller change the path (a long code generation then leads)', () => {
    const r = remainingPathSeconds({ ...t, codeGeneration: 10_000 });
    expect(r.codeGeneration).toBeCloseTo(10_000 + t.websiteConfig);
    expect(r['company.details']).toBeCloseTo(t['company.details'] + r.codeGeneration);
  });

  test('claim order: a restaurant whose chain is longer goes first; the engine’s own kinds get 0', () => {
    expect(taskPriority('restaurantRegistration')).toBeGreaterThan(taskPriority('websiteConfig'));
    expect(taskPriority('cloudwaitressAccount')).toBeGreaterThan(taskPriority('itemTags'));
    expect(taskPriority('extraction.run')).toBeGreaterThan(taskPriority('cloudwaitressAccount'));
    expect(taskPriority('deliver')).toBe(0);
    expect(taskPriority('timer')).toBe(0);
  });
});
