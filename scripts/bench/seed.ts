import pg from 'pg'

/**
 * --users N: the users table holds N accounts before the run (numbers +9170…, never
 * those the load uses), so a sign-in's cost can be compared at 10 thousand and at a
 * million users: the phone lookup must stay an index hit. Seeded in one statement.
 */
export async function seedUsers(databaseUrl: string, count: number): Promise<number> {
  if (count === 0) return 0
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(
      `INSERT INTO users (id, phone, created_at, last_sign_in_at)
       SELECT gen_random_uuid(), '+9170' || lpad(i::text, 8, '0'), now(), now() FROM generate_series(1, $1::int) AS i
       ON CONFLICT (phone) DO NOTHING`,
      [count],
    )
    await client.query('ANALYZE users')
    const total = await client.query<{ count: string }>('SELECT count(*) FROM users')
    return Number(total.rows[0]!.count)
  } finally {
    await client.end()
  }
}
