// The head of a detail page (a batch, a restaurant's job): the way back, the title with its badges, a line of
// facts, and the page's commands on the right.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Anchor, Group, Stack, Title } from '@mantine/core';

export function DetailHeader({
  back,
  title,
  badges,
  children,
  actions,
}: {
  back: { to: string; label: string };
  title: string;
  badges: ReactNode;
  children: ReactNode;
  actions: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-start">
      <Stack gap={4}>
        <Anchor component={Link} to={back.to} size="sm">
          ← {back.label}
        </Anchor>
        <Group gap="sm">
          <Title order={1}>{title}</Title>
          {badges}
        </Group>
        {children}
      </Stack>
      {actions}
    </Group>
  );
}
