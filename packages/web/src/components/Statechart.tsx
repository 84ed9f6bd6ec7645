// The live statechart: the job machine's definition (machineDefinitions(), read from the machine itself) laid out
// with elkjs and drawn as SVG. The states of the current snapshot value are highlighted; hovering or focusing a
// state shows its description. "Overview" folds the twelve sub-steps' inner task states into their sub-step.
import { useEffect, useMemo, useState } from 'react';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { Group, Paper, ScrollArea, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { machineDefinitions, type StateDefinitionJson } from '@regbatch/machines';
import { LoadingState } from './States';

const JOB_DEFINITION: StateDefinitionJson = machineDefinitions().job;
// elkjs is large: loaded with the first statechart, not with the app.
let elkPromise: Promise<{ layout: (graph: ElkNode) => Promise<ElkNode> }> | null = null;
function loadElk() {
  elkPromise ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  return elkPromise;
}

/** State node ids active in a snapshot value: {active:{step3:'waiting'}} → job, job.active, job.active.step3, job.active.step3.waiting. */
export function activeStateIds(value: unknown, rootId = JOB_DEFINITION.id): Set<string> {
  const out = new Set<string>([rootId]);
  const walk = (v: unknown, prefix: string) => {
    if (typeof v === 'string') out.add(`${prefix}.${v}`);
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        out.add(`${prefix}.${k}`);
        walk(child, `${prefix}.${k}`);
      }
    }
  };
  if (value === null || value === undefined) return new Set();
  walk(value, rootId);
  return out;
}

interface Drawn {
  nodes: {
    id: string;
    key: string;
    x: number;
    y: number;
    w: number;
    h: number;
    compound: boolean;
    parallel: boolean;
    final: boolean;
    description: string | null;
    tags: string[];
    depth: number;
    folded: StateDefinitionJson | null;
  }[];
  edges: { id: string; points: { x: number; y: number }[]; events: string[] }[];
  width: number;
  height: number;
}

function nodeSize(label: string) {
  return { width: Math.max(70, label.length * 7 + 24), height: 30 };
}

async function layout(def: StateDefinitionJson, maxDepth: number): Promise<Drawn> {
  const visible = new Map<string, string>(); // every state id → the id drawn for it (itself, or its folded ancestor)
  const meta = new Map<string, { def: StateDefinitionJson; depth: number; folded: boolean }>();
  const toElk = (node: StateDefinitionJson, depth: number): ElkNode => {
    const fold = depth >= maxDepth && node.states.length > 0;
    const mark = (n: StateDefinitionJson) => {
      visible.set(n.id, node.id);
      n.states.forEach(mark);
    };
    if (fold) mark(node);
    else visible.set(node.id, node.id);
    meta.set(node.id, { def: node, depth, folded: fold });
    if (fold || node.states.length === 0)
      return { id: node.id, ...nodeSize(fold ? `${node.key} · running` : node.key) };
    return {
      id: node.id,
      layoutOptions: {
        'elk.padding': '[top=30,left=12,bottom=12,right=12]',
        'elk.direction': node.type === 'parallel' ? 'RIGHT' : 'DOWN',
      },
      children: node.states.map((s) => toElk(s, depth + 1)),
    };
  };
  const root = toElk(def, 0);
  const edges = new Map<string, ElkExtendedEdge & { events: string[] }>();
  const collect = (node: StateDefinitionJson) => {
    for (const t of node.transitions) {
      const from = visible.get(node.id);
      for (const target of t.targets) {
        const to = visible.get(target);
        if (!from || !to || from === to) continue;
        // An edge from a state to its own ancestor or descendant cannot be routed around a compound box well.
        if (to.startsWith(`${from}.`) || from.startsWith(`${to}.`)) continue;
        const id = `${from}->${to}`;
        const existing = edges.get(id);
        if (existing) {
          if (!existing.events.includes(t.event)) existing.events.push(t.event);
        } else edges.set(id, { id, sources: [from], targets: [to], events: [t.event] });
      }
    }
    node.states.forEach(collect);
  };
  collect(def);
  const graph: ElkNode = {
    ...root,
    layoutOptions: {
      ...(root.layoutOptions ?? {}),
      'elk.algorithm': 'layered',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.spacing.nodeNode': '16',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    edges: [...edges.values()].map(({ events: _events, ...e }) => e),
  };
  const out = await (await loadElk()).layout(graph);
  const nodes: Drawn['nodes'] = [];
  const walk = (n: ElkNode) => {
    const m = meta.get(n.id)!;
    nodes.push({
      id: n.id,
      key: m.def.key,
      x: n.x ?? 0,
      y: n.y ?? 0,
      w: n.width ?? 0,
      h: n.height ?? 0,
      compound: (n.children?.length ?? 0) > 0,
      parallel: m.def.type === 'parallel',
      final: m.def.type === 'final',
      description: m.def.description,
      tags: m.def.tags,
      depth: m.depth,
      folded: m.folded ? m.def : null,
    });
    n.children?.forEach(walk);
  };
  walk(out);
  const drawnEdges: Drawn['edges'] = (out.edges ?? []).map((e) => {
    const section = (e as ElkExtendedEdge).sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    return { id: e.id, points, events: edges.get(e.id)?.events ?? [] };
  });
  return { nodes, edges: drawnEdges, width: out.width ?? 0, height: out.height ?? 0 };
}

/** The active inner state of a folded node, for its label ("menuImport · retrying"). */
function foldedLabel(node: StateDefinitionJson, active: Set<string>): string | null {
  const leaves: string[] = [];
  const walk = (n: StateDefinitionJson) => {
    for (const s of n.states) {
      if (active.has(s.id)) {
        if (s.states.length === 0) leaves.push(s.key);
        walk(s);
      }
    }
  };
  walk(node);
  return leaves.length ? leaves.join(', ') : null;
}

export function Statechart({ value, title = 'Live statechart' }: { value: unknown; title?: string }) {
  const [depth, setDepth] = useState<'overview' | 'full'>('overview');
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [hover, setHover] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setDrawn(null);
    layout(JOB_DEFINITION, depth === 'overview' ? 3 : 99)
      .then((d) => live && setDrawn(d))
      .catch((e: unknown) => live && setFailed(String(e)));
    return () => {
      live = false;
    };
  }, [depth]);
  const active = useMemo(() => activeStateIds(value), [value]);
  const activeLeaves = useMemo(
    () => [...active].filter((id) => !drawn || drawn.nodes.some((n) => n.id === id && !n.compound)),
    [active, drawn],
  );
  const hovered = drawn?.nodes.find((n) => n.id === hover) ?? null;

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="statechart-heading">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h3" id="statechart-heading">
            {title}
          </Title>
          <SegmentedControl
            size="xs"
            aria-label="Statechart detail"
            value={depth}
            onChange={(v) => setDepth(v as 'overview' | 'full')}
            data={[
              { value: 'overview', label: 'Overview' },
              { value: 'full', label: 'Every state' },
            ]}
          />
        </Group>
        <Text size="sm" aria-live="polite" data-testid="statechart-current">
          Current:{' '}
          {value === null || value === undefined
            ? 'no machine snapshot (read-only job)'
            : activeLeaves.map((id) => id.replace(`${JOB_DEFINITION.id}.`, '')).join(', ') || '—'}
        </Text>
        <Text size="sm" c="dimmed" mih={40} aria-live="polite">
          {hovered ? (
            <>
              <b>{hovered.id.replace(`${JOB_DEFINITION.id}.`, '') || hovered.key}</b>:{' '}
              {hovered.description ?? 'no description'}
              {hovered.tags.length ? ` (tags: ${hovered.tags.join(', ')})` : ''}
            </>
          ) : (
            'Hover or focus a state to read its description.'
          )}
        </Text>
        {failed ? (
          <Text c="red.9" role="alert">
            The statechart could not be laid out: {failed}
          </Text>
        ) : !drawn ? (
          <LoadingState label="Laying out the statechart…" />
        ) : (
          <ScrollArea type="auto" mah={640} offsetScrollbars>
            <svg
              width={drawn.width}
              height={drawn.height}
              viewBox={`0 0 ${drawn.width} ${drawn.height}`}
              role="group"
              aria-label="Job statechart"
              data-testid="statechart"
              style={{ display: 'block', fontFamily: 'var(--mantine-font-family)' }}
            >
              <defs>
                <marker
                  id="rb-arrow"
                  viewBox="0 0 10 10"
                  refX="9"
                  refY="5"
                  markerWidth="6"
                  markerHeight="6"
                  orient="auto-start-reverse"
                >
                  <path d="M 0 0 L 10 5 L 0 10 z" fill="#868e96" />
                </marker>
              </defs>
              {drawn.nodes
                .filter((n) => n.compound)
                .map((n) => {
                  const on = active.has(n.id);
                  return (
                    <g
                      key={n.id}
                      className="rb-statechart-node"
                      data-state-id={n.id}
                      data-active={on ? 'true' : 'false'}
                      onMouseEnter={() => setHover(n.id)}
                      onMouseLeave={() => setHover((h) => (h === n.id ? null : h))}
                    >
                      <title>{`${n.key}${n.description ? `: ${n.description}` : ''}`}</title>
                      <rect
                        x={n.x}
                        y={n.y}
                        width={n.w}
                        height={n.h}
                        rx={8}
                        fill={on ? 'rgba(76, 110, 245, 0.06)' : '#fff'}
                        stroke={on ? '#4263eb' : '#adb5bd'}
                        strokeWidth={on ? 2 : 1}
                        strokeDasharray={n.parallel ? '6 4' : undefined}
                      />
                      <text
                        x={n.x + 10}
                        y={n.y + 19}
                        fontSize={12}
                        fontWeight={600}
                        fill={on ? '#364fc7' : '#495057'}
                      >
                        {n.key}
                        {n.parallel ? ' (parallel)' : ''}
                      </text>
                    </g>
                  );
                })}
              {drawn.edges.map((e) =>
                e.points.length ? (
                  <path
                    key={e.id}
                    d={`M ${e.points.map((p) => `${p.x} ${p.y}`).join(' L ')}`}
                    fill="none"
                    stroke="#adb5bd"
                    strokeWidth={1}
                    markerEnd="url(#rb-arrow)"
                  >
                    <title>{e.events.join(', ')}</title>
                  </path>
                ) : null,
              )}
              {drawn.nodes
                .filter((n) => !n.compound)
                .map((n) => {
                  const on = active.has(n.id);
                  const waits = n.tags.includes('action_required');
                  const inner = n.folded && on ? foldedLabel(n.folded, active) : null;
                  const label = inner ? `${n.key} · ${inner}` : n.key;
                  return (
                    <g
                      key={n.id}
                      className="rb-statechart-node"
                      data-state-id={n.id}
                      data-active={on ? 'true' : 'false'}
                      tabIndex={n.description ? 0 : undefined}
                      role={n.description ? 'img' : undefined}
                      aria-label={
                        n.description ? `${n.key}${on ? ' (current)' : ''}: ${n.description}` : undefined
                      }
                      onMouseEnter={() => setHover(n.id)}
                      onMouseLeave={() => setHover((h) => (h === n.id ? null : h))}
                      onFocus={() => setHover(n.id)}
                      onBlur={() => setHover((h) => (h === n.id ? null : h))}
                    >
                      <title>{`${n.key}${n.description ? `: ${n.description}` : ''}`}</title>
                      <rect
                        x={n.x}
                        y={n.y}
                        width={n.w}
                        height={n.h}
                        rx={n.final ? 14 : 6}
                        fill={on ? (waits ? '#e8590c' : '#4263eb') : waits ? '#fff4e6' : '#f8f9fa'}
                        stroke={on ? '#1c2a8a' : waits ? '#e8590c' : '#ced4da'}
                        strokeWidth={on ? 2.5 : n.final ? 2 : 1}
                      />
                      <text
                        x={n.x + n.w / 2}
                        y={n.y + n.h / 2 + 4}
                        fontSize={11}
                        textAnchor="middle"
                        fill={on ? '#fff' : '#212529'}
                      >
                        {label.length > 40 ? `${label.slice(0, 38)}…` : label}
                      </text>
                    </g>
                  );
                })}
            </svg>
          </ScrollArea>
        )}
        <Text size="xs" c="dimmed">
          Blue: current state. Orange: waits for a person. Dashed boxes run their children in parallel (step
          6&apos;s sub-steps).
        </Text>
      </Stack>
    </Paper>
  );
}
