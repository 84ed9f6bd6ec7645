// Step 3: choose the company. One card per restaurant with its scored candidates as a radio group (arrow keys move,
// Enter confirms, N = no match, M = manual entry, S = search again, J/K = next/previous card), the confident choice
// marked, and one bulk action that accepts every confident match.
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Paper,
  Radio,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { explainConfidence, type ScoredCandidate } from '@regbatch/machines';
import { useTRPC } from '../app/trpc';
import { notifyBulk, notifyFailed } from '../app/mutations';
import { formatAgo } from '../app/format';
import type { ReviewItem } from '../pages/ReviewInboxPage';
import { ManualEntryModal, RetrySearchModal } from './decisionForms';

type Cand = Partial<ScoredCandidate> & { company_name: string; company_number: string };

const DEFAULT_REGISTER = 'https://app.companiesoffice.govt.nz';

function candidatesOf(item: ReviewItem): Cand[] {
  const list = (item.candidates ?? []) as Cand[];
  return [...list].sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
}

function confidentOf(item: ReviewItem): Cand | null {
  const list = candidatesOf(item);
  if (!list.every((c) => typeof c.score === 'number' && Array.isArray(c.factors) && c.standing)) return null;
  return explainConfidence(list as ScoredCandidate[]).candidate;
}

export function CompanySelections({ items }: { items: ReviewItem[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions({}, { staleTime: 10 * 60_000 }));
  const registerBase = (settings.data?.values.registerUrl ?? DEFAULT_REGISTER).replace(/\/$/, '');
  const confident = useMemo(
    () => items.map((i) => ({ item: i, pick: confidentOf(i) })).filter((x) => x.pick !== null),
    [items],
  );
  const names = (id: string) => items.find((i) => i.jobId === id)?.restaurant.name ?? id.slice(0, 8);
  const select = useMutation(
    trpc.reviews.selectCompany.mutationOptions({
      onSuccess: (result) => {
        notifyBulk(
          result.results.length > 1 ? 'Confident matches accepted' : 'Company selected',
          result,
          names,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.reviews.list.queryKey() });
      },
      onError: notifyFailed('The selection was not saved'),
    }),
  );
  const [manual, setManual] = useState<ReviewItem | null>(null);
  const [retry, setRetry] = useState<ReviewItem | null>(null);
  const cards = useRef<(HTMLDivElement | null)[]>([]);

  return (
    <Stack component="section" aria-labelledby="company-heading">
      <Group justify="space-between">
        <div>
          <Title order={2} size="h3" id="company-heading">
            Company selections ({items.length})
          </Title>
          <Text size="xs" c="dimmed">
            Keys: ↑/↓ choose a candidate · Enter confirm · N no match · M enter by hand · S search again · J/K
            next/previous restaurant
          </Text>
        </div>
        <Button
          color="green"
          disabled={confident.length === 0}
          loading={select.isPending && (select.variables?.selections.length ?? 0) > 1}
          onClick={() =>
            select.mutate({
              selections: confident.map((c) => ({
                jobId: c.item.jobId,
                companyNumber: c.pick!.company_number,
              })),
            })
          }
        >
          Accept {confident.length} confident match{confident.length === 1 ? '' : 'es'}
        </Button>
      </Group>
      {items.map((item, index) => (
        <SelectionCard
          key={item.jobId}
          item={item}
          registerBase={registerBase}
          confident={confidentOf(item)}
          refCallback={(el) => {
            cards.current[index] = el;
          }}
          onMove={(delta) => cards.current[Math.min(items.length - 1, Math.max(0, index + delta))]?.focus()}
          onSelect={(companyNumber) => select.mutate({ selections: [{ jobId: item.jobId, companyNumber }] })}
          onManual={() => setManual(item)}
          onRetry={() => setRetry(item)}
          busy={select.isPending && select.variables?.selections.some((s) => s.jobId === item.jobId) === true}
        />
      ))}
      <ManualEntryModal item={manual} onClose={() => setManual(null)} />
      <RetrySearchModal key={retry?.jobId ?? 'none'} item={retry} onClose={() => setRetry(null)} />
    </Stack>
  );
}

function SelectionCard({
  item,
  registerBase,
  confident,
  refCallback,
  onMove,
  onSelect,
  onManual,
  onRetry,
  busy,
}: {
  item: ReviewItem;
  registerBase: string;
  confident: Cand | null;
  refCallback: (el: HTMLDivElement | null) => void;
  onMove: (delta: number) => void;
  onSelect: (companyNumber: string) => void;
  onManual: () => void;
  onRetry: () => void;
  busy: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const candidates = candidatesOf(item);
  const [choice, setChoice] = useState<string | null>(candidates[0]?.company_number ?? null);
  const noMatch = useMutation(
    trpc.reviews.noMatch.mutationOptions({
      onSuccess: (result) => {
        notifyBulk('Marked as no match', result, () => item.restaurant.name);
        void queryClient.invalidateQueries({ queryKey: trpc.reviews.list.queryKey() });
      },
      onError: notifyFailed('No match was not saved'),
    }),
  );
  const headingId = `sel-${item.jobId}`;

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const target = e.target as HTMLElement;
    if (target.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text') return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (key === 'enter' && choice && (target.tagName === 'INPUT' || target === e.currentTarget)) {
      e.preventDefault();
      onSelect(choice);
    } else if (key === 'n') {
      e.preventDefault();
      noMatch.mutate({ jobIds: [item.jobId] });
    } else if (key === 'm') {
      e.preventDefault();
      onManual();
    } else if (key === 's') {
      e.preventDefault();
      onRetry();
    } else if (key === 'j') {
      e.preventDefault();
      onMove(1);
    } else if (key === 'k') {
      e.preventDefault();
      onMove(-1);
    }
  }

  return (
    <Card
      withBorder
      radius="md"
      ref={refCallback}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      role="group"
      aria-labelledby={headingId}
      data-job-id={item.jobId}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={3} size="h4" id={headingId}>
              {item.restaurant.name}
            </Title>
            <Text size="sm" c="dimmed">
              {[item.restaurant.address, item.restaurant.city].filter(Boolean).join(', ') || 'no address'} ·{' '}
              {item.batchName} · waiting {formatAgo(item.waitingSince)}
            </Text>
          </div>
          {confident ? (
            <Badge color="green" variant="light">
              confident: {confident.company_name}
            </Badge>
          ) : (
            <Badge color="orange" variant="light">
              needs a person
            </Badge>
          )}
        </Group>
        {candidates.length === 0 ? (
          <Text size="sm">No candidates. Search again, enter the details by hand, or mark no match.</Text>
        ) : (
          <Radio.Group
            value={choice}
            onChange={setChoice}
            name={`candidate-${item.jobId}`}
            label="Candidates"
            aria-describedby={headingId}
          >
            <Stack gap="xs" mt={4}>
              {candidates.map((c) => (
                <CandidateRow
                  key={c.company_number}
                  c={c}
                  registerBase={registerBase}
                  chosen={choice === c.company_number}
                  confident={confident?.company_number === c.company_number}
                />
              ))}
            </Stack>
          </Radio.Group>
        )}
        <Group gap="xs">
          <Button onClick={() => choice && onSelect(choice)} disabled={!choice} loading={busy}>
            Confirm selection
          </Button>
          <Button
            variant="default"
            onClick={() => noMatch.mutate({ jobIds: [item.jobId] })}
            loading={noMatch.isPending}
          >
            No match
          </Button>
          <Button variant="default" onClick={onManual}>
            Enter by hand
          </Button>
          <Button variant="default" onClick={onRetry}>
            Search again
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function standingBadge(c: Cand) {
  const status = (c.status ?? '').toLowerCase();
  if (c.standing === 'removed' || status.includes('removed')) return <Badge color="red">removed</Badge>;
  if (c.standing === 'liquidation' || /liquidation|receivership/.test(status))
    return (
      <Badge color="red" variant="light">
        {c.status ?? 'in liquidation'}
      </Badge>
    );
  if (c.standing === 'removing' || c.removal_commenced)
    return (
      <Badge color="orange" variant="light">
        removal commenced
      </Badge>
    );
  if (status === 'registered')
    return (
      <Badge color="green" variant="outline">
        registered
      </Badge>
    );
  return c.status ? <Badge color="gray">{c.status}</Badge> : null;
}

function CandidateRow({
  c,
  registerBase,
  chosen,
  confident,
}: {
  c: Cand;
  registerBase: string;
  chosen: boolean;
  confident: boolean;
}) {
  return (
    <Paper withBorder p="xs" radius="sm" {...(chosen ? { className: 'rb-row-selected' } : {})}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Radio
          value={c.company_number}
          label={
            <Group gap={6}>
              <Text fw={600} size="sm">
                {c.company_name}
              </Text>
              <Text size="sm" c="dimmed">
                #{c.company_number}
              </Text>
              {standingBadge(c)}
              {c.match_source ? (
                <Tooltip
                  label={`Found by the ${c.match_source === 'both' ? 'name and the address' : c.match_source} search`}
                >
                  <Badge color="blue" variant="outline" size="sm">
                    match: {c.match_source}
                  </Badge>
                </Tooltip>
              ) : null}
              {confident ? (
                <Badge color="green" size="sm">
                  confident
                </Badge>
              ) : null}
            </Group>
          }
          description={
            [c.registered_address, c.incorporation_date ? `incorporated ${c.incorporation_date}` : null]
              .filter(Boolean)
              .join(' · ') || undefined
          }
        />
        <Group gap="xs" wrap="nowrap">
          {typeof c.score === 'number' ? (
            <Badge
              size="lg"
              variant="light"
              color={c.score >= 70 ? 'green' : c.score >= 40 ? 'yellow' : 'gray'}
              aria-label={`score ${c.score} of 100`}
            >
              {c.score}
            </Badge>
          ) : null}
          <Anchor
            href={`${registerBase}/co/${encodeURIComponent(c.company_number)}`}
            target="_blank"
            rel="noreferrer"
            size="sm"
            aria-label={`${c.company_name} on the register (opens in a new tab)`}
          >
            <Group gap={2} wrap="nowrap">
              Register <IconExternalLink size={14} aria-hidden="true" />
            </Group>
          </Anchor>
        </Group>
      </Group>
      {c.evidence && c.evidence.length > 0 ? (
        <List size="xs" ml={30} mt={4} spacing={0} aria-label={`Evidence for ${c.company_name}`}>
          {c.evidence.map((e, i) => (
            <List.Item key={i}>{e}</List.Item>
          ))}
        </List>
      ) : null}
    </Paper>
  );
}
