/**
 * The records of one kind (sandboxes, containers) held in memory after the first read: the daemon is their only
 * writer, and its pod workers and relist read them many times a second.
 */
export class RecordCache<R extends { id: string }> {
  private records: Promise<Map<string, R>> | undefined;

  constructor(private readonly read: () => Promise<R[]>) {}

  async all(): Promise<R[]> {
    return [...(await this.map()).values()];
  }

  async get(id: string): Promise<R | undefined> {
    return (await this.map()).get(id);
  }

  async set(record: R): Promise<void> {
    (await this.map()).set(record.id, record);
  }

  async delete(id: string): Promise<void> {
    (await this.map()).delete(id);
  }

  private map(): Promise<Map<string, R>> {
    this.records ??= this.read().then((rs) => new Map(rs.map((r) => [r.id, r])));
    return this.records;
  }
}
