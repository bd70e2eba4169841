import Testing
import TileEngine

/// Work done in the reads (warping) runs only as parallel as the tiles: the cap leaves every thread two.
@Suite struct ReaderParallelTileTests {
    @Test(arguments: [
        (600, 600, 2, 512),       // 4 tiles of 512 for 2 threads
        (1500, 1500, 2, 1024),    // 4 tiles
        (7300, 6900, 2, 2048),    // a full GF-2 MSS scene: 16 tiles of the planner's largest
        (1500, 1500, 8, 256),     // 512 gives 9 tiles, short of 16: 36 of 256
        (300, 300, 4, 256),       // never under the quantum
    ])
    func largestTileLeavesEveryThreadTwoTiles(width: Int, height: Int, threads: Int, expected: Int) {
        #expect(TilePlanner.largestTile(sharing: width, height, among: threads) == expected)
    }
}
