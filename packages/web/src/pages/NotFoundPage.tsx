// Unknown routes (and pages the user's role does not open).
import { Link } from 'react-router';
import { Anchor, Stack, Title } from '@mantine/core';
import { EmptyState } from '../components/States';

export function NotFoundPage({ message }: { message?: string }) {
  return (
    <Stack>
      <Title order={1}>Not found</Title>
      <EmptyState title={message ?? 'There is no page at this address.'}>
        <Anchor component={Link} to="/batches">
          Go to the batches
        </Anchor>
      </EmptyState>
    </Stack>
  );
}
